"""Errors the sample web raises while building its sites."""

from kernel.errors import NianbaoError


class SampleWebBuildError(NianbaoError):
    """Raised by sampleweb when a site resource cannot be built (e.g. soffice missing for the .doc report)."""
