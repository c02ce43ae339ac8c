"""The lifecycle of a crawl, framework-free: claiming a site (start), the parse stage, a crawl's end, re-parsing."""
