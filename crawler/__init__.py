"""Scrapy side of nianbao: settings, middlewares, pipelines, command line."""
