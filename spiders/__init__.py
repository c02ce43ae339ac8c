"""Spiders: one base spider for annual-report discovery, configured per site by the registry."""
