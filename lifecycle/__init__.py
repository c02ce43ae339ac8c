"""The lifecycle of a crawl, framework-free: claiming a site (start), the parse stage, and the end of a crawl."""
