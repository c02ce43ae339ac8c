"""The bottom layer: errors, configuration and the report vocabulary that every package shares.

It imports nothing of ours."""
