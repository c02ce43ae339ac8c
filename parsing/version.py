"""The parser's version: stored with every parse outcome, and compared by the crawl and `reparse` to tell which
payloads this parser has not read yet. Its own module, so that they learn it without importing the extractors."""

PARSER_VERSION = "0.2.0"
