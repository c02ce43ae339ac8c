"""The one settings module of nianbao: Scrapy settings and every NIANBAO_* environment variable.

Environment variables are read here and nowhere else. The parser, the storage layer and the UI get
the same values through `crawler.config.Config.from_settings`.
"""

import os

BOT_NAME = "nianbao"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- nianbao's own settings (env: NIANBAO_<NAME>) ------------------------------------------------
NIANBAO_HOME = os.environ.get("NIANBAO_HOME", "data")
# Empty: SQLite at $NIANBAO_HOME/nianbao.db. A postgresql+psycopg:// URL switches to PostgreSQL.
NIANBAO_DATABASE_URL = os.environ.get("NIANBAO_DATABASE_URL", "")
# Empty: $NIANBAO_HOME/warcs.
NIANBAO_WARC_DIR = os.environ.get("NIANBAO_WARC_DIR", "")
NIANBAO_WARC_MAX_SIZE = int(os.environ.get("NIANBAO_WARC_MAX_SIZE", str(1_000_000_000)))
NIANBAO_OPERATOR = os.environ.get("NIANBAO_OPERATOR", "")
# Parse workers (processes) and the wall-clock limit per document, in seconds.
NIANBAO_PARSE_WORKERS = int(os.environ.get("NIANBAO_PARSE_WORKERS", "2"))
NIANBAO_PARSE_TIMEOUT = float(os.environ.get("NIANBAO_PARSE_TIMEOUT", "120"))
# An HTTP proxy for every request (the sample web in tests and the demo). Falls back to http_proxy.
NIANBAO_PROXY = os.environ.get("NIANBAO_PROXY", "")

# --- politeness ------------------------------------------------------------------------------------
USER_AGENT = "nianbao/0.1 (+archive of government information-disclosure annual reports)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
DOWNLOAD_TIMEOUT = 60
# Annual reports are rarely above 50 MB; bigger bodies are refused rather than held in memory.
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
RETRY_TIMES = 2
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = os.environ.get("NIANBAO_LOG_LEVEL", "INFO")
# A crawl of one site must end: a ceiling on depth guards against calendar traps.
DEPTH_LIMIT = 8

# --- components ------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # Proxy: the standard HttpProxyMiddleware (750) reads http_proxy; ours sets request.meta["proxy"]
    # from NIANBAO_PROXY first so the CLI's --proxy wins over the environment.
    "crawler.middlewares.ProxyMiddleware": 740,
    # The WARC recorder must see every hop and the body as it came off the wire: above
    # HttpCompression (590) and Redirect (600), and above the stats middleware (850) so that it
    # sees the final request headers Scrapy sends.
    "crawler.middlewares.WarcRecorderMiddleware": 950,
}

ITEM_PIPELINES = {
    # Stores each report page / attachment as a Document and hands it to the parse workers.
    "crawler.pipelines.DocumentPipeline": 300,
}

EXTENSIONS = {
    # Opens and closes the Crawl row (start, end, status, counts) around the spider.
    "crawler.extensions.CrawlRecorder": 100,
}

FEED_EXPORT_ENCODING = "utf-8"
