"""The parsing stage: documents (PDF, DOCX, DOC, HTML, text) to the report schema."""

from parsing.report import PARSER_VERSION, ParseResult, parse_document

__all__ = ["PARSER_VERSION", "ParseResult", "parse_document"]
