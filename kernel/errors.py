"""The nianbao exception hierarchy: every error nianbao raises on purpose derives from NianbaoError."""


class NianbaoError(Exception):
    """Base class of nianbao's own errors."""


class ConfigError(NianbaoError):
    """Raised by kernel.config when a setting is missing or malformed."""


class ArchiveError(NianbaoError):
    """Raised by archive/ when a WARC file cannot be written or a record cannot be read back."""


class ParseError(NianbaoError):
    """Raised by parsing/ extractors when a document cannot be read (broken PDF, unknown format, …).

    The parsing stage turns it into a failed ParseOutcome with this message as its reason.
    """


class UnknownSiteError(NianbaoError):
    """Raised by the site registry when a site id or URL is not known and cannot be crawled ad hoc."""
