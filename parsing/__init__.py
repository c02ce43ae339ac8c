"""The parsing stage: documents (PDF, DOCX, DOC, HTML, text) to the report schema."""
