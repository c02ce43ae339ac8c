"""The WARC archive: record building, file writing, dedup and reading back."""
