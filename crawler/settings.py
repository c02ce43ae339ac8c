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
# The address-space limit of one parse worker, in MB (0: no limit). A document that needs more fails alone.
NIANBAO_PARSE_MEMORY_MB = int(os.environ.get("NIANBAO_PARSE_MEMORY_MB", "2048"))
# The site registry file (TOML); empty: spiders/sites.toml. `nianbao sites add` appends to it.
NIANBAO_REGISTRY = os.environ.get("NIANBAO_REGISTRY", "")
# An HTTP proxy for every request (the sample web in tests and the demo). Falls back to http_proxy.
NIANBAO_PROXY = os.environ.get("NIANBAO_PROXY", "")
# The web UI (`nianbao serve`): the operator password (empty: no operator, the UI is read-only), the key that
# signs its session cookies and CSRF tokens (empty: a random key per process, sessions end at restart), and the
# hosts/networks an on-demand crawl may target although they are not public (comma-separated, e.g. "127.0.0.1").
NIANBAO_UI_PASSWORD = os.environ.get("NIANBAO_UI_PASSWORD", "")
NIANBAO_UI_SECRET = os.environ.get("NIANBAO_UI_SECRET", "")
NIANBAO_UI_CRAWL_ALLOWLIST = os.environ.get("NIANBAO_UI_CRAWL_ALLOWLIST", "")

# `nianbao schedule`: crawls running at once, the seconds a SIGTERM waits for running crawls to close before they
# are killed (deploy/nianbao-schedule.service's TimeoutStopSec is this plus a margin), and the trigger recorded on
# a crawl's run row (the scheduler sets "scheduled" for the crawls it starts).
NIANBAO_SCHEDULE_CONCURRENCY = int(os.environ.get("NIANBAO_SCHEDULE_CONCURRENCY", "2"))
NIANBAO_SCHEDULE_STOP_TIMEOUT = float(os.environ.get("NIANBAO_SCHEDULE_STOP_TIMEOUT", "60"))
NIANBAO_TRIGGER = os.environ.get("NIANBAO_TRIGGER", "manual")
# `nianbao crawl --resume` (and every scheduled run) goes on with a site's last run if it was cut short (killed,
# or stopped by SIGTERM) and began at most this many hours ago; an older one is left as it is and a new run starts.
NIANBAO_RESUME_MAX_AGE = float(os.environ.get("NIANBAO_RESUME_MAX_AGE", "168"))

# Distributed mode (`nianbao worker`, `nianbao crawl --distributed`; crawler/distributed/): the Redis that holds
# the shared request queues, duplicate filters and per-host slots; a namespace for its keys (lets several
# deployments, or tests, share one Redis); and this worker's id, which names its WARC files (empty: <host>-<pid>).
NIANBAO_REDIS_URL = os.environ.get("NIANBAO_REDIS_URL", "redis://127.0.0.1:6379/0")
NIANBAO_REDIS_PREFIX = os.environ.get("NIANBAO_REDIS_PREFIX", "nianbao:")
NIANBAO_WORKER_ID = os.environ.get("NIANBAO_WORKER_ID", "")
# Seconds a busy worker may stay silent before the others take it for dead and put the requests it held back in
# the queue (crawler/distributed/coordination.py). Workers report every min(5, this / 4) seconds; one whose reactor
# blocks longer than this mid-crawl is taken for dead while alive, and its requests are done twice.
NIANBAO_WORKER_STALE_AFTER = float(os.environ.get("NIANBAO_WORKER_STALE_AFTER", "300"))

# --- politeness ------------------------------------------------------------------------------------
USER_AGENT = "nianbao/0.1 (+archive of government information-disclosure annual reports)"
# robots.txt is obeyed unless NIANBAO_ROBOTS=0 (e.g. for a site that blocks its own report column by mistake).
ROBOTSTXT_OBEY = os.environ.get("NIANBAO_ROBOTS", "1") != "0"
CONCURRENT_REQUESTS = 16
# Per host: parallel requests and the delay between two of them (seconds), e.g. 1 and 2.0 for a fragile site.
CONCURRENT_REQUESTS_PER_DOMAIN = int(os.environ.get("NIANBAO_HOST_CONCURRENCY", "4"))
DOWNLOAD_DELAY = float(os.environ.get("NIANBAO_HOST_DELAY", "0"))
# A 429/503 with Retry-After is retried after the wait the site asked for, if it is at most this long.
NIANBAO_RETRY_AFTER_MAX = float(os.environ.get("NIANBAO_RETRY_AFTER_MAX", "300"))
# A crawl of one site stops after this many responses (a runaway list or a trap the rules did not catch).
CLOSESPIDER_PAGECOUNT = int(os.environ.get("NIANBAO_MAX_PAGES", "5000"))
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
# A crawl of one site must end: a ceiling on depth guards against calendar traps. Discovery bounds each step
# itself (sections 3 levels, sub-columns 3 levels, list pages per column: registry max_list_pages, default 200);
# a 下一页 chain adds one level per page, so the ceiling leaves room for long lists.
DEPTH_LIMIT = 250

# --- browser: only for pages where the static discovery rules find nothing ------------------------
# NIANBAO_BROWSER=0 switches rendering off; the spider then records such pages as found-nothing.
NIANBAO_BROWSER = os.environ.get("NIANBAO_BROWSER", "1") != "0"
if NIANBAO_BROWSER:
    # scrapy-playwright serves requests with meta["playwright"]; all others go to Scrapy's own HTTP handler.
    DOWNLOAD_HANDLERS = {
        "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
        "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    }
# scrapy-playwright needs the asyncio reactor (Scrapy's default since 2.13; said here so nothing overrides it).
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Debian's chromium (scripts/install-system-deps); `playwright install` is never needed. The proxy is set per
# browser context from the request's proxy (spiders/annual_reports.py), so --proxy and http_proxy apply too.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"],
}
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

# --- components ------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # Proxy: the standard HttpProxyMiddleware (750) reads http_proxy; ours sets request.meta["proxy"]
    # from NIANBAO_PROXY first so the CLI's --proxy wins over the environment.
    "crawler.middlewares.ProxyMiddleware": 740,
    # Retry-After: sees a 429/503 before RetryMiddleware (550) does, waits as asked, then retries.
    "crawler.politeness.RetryAfterMiddleware": 560,
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
    # At spider close: stores which rule found each column and list, and records drift alerts
    # (no column, zero reports where there were some) under NIANBAO_HOME. After CrawlRecorder so crawl_id is set.
    "spiders.drift.DriftMonitor": 200,
}

# --- distributed mode: what a `nianbao worker` changes for each crawl's spider (crawler/distributed/) -----------
# crawler/distributed/worker.py adds REDIS_URL (NIANBAO_REDIS_URL) and the crawl's own queue and filter keys.
NIANBAO_WORKER_SETTINGS = {
    # scrapy-redis: the request queue (a sorted set by priority) and the duplicate filter (a set of fingerprints)
    # live in Redis, shared by every worker of the crawl. CrawlQueue pops and marks its worker busy in one step
    # (finish detection); the queue outlives any one worker (PERSIST), the crawl's finalizer deletes it.
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.CrawlQueue",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,
    # Requests are stored as JSON (crawler/distributed/serializer.py), not as scrapy-redis's default pickles:
    # whoever can write to Redis must not be able to run code in the workers.
    "SCHEDULER_SERIALIZER": "crawler.distributed.serializer",
    # A worker's spider takes from the shared queue only as many requests as one host may have in flight, so
    # that it does not hoard requests that would wait for a host slot while other workers idle.
    "CONCURRENT_REQUESTS": CONCURRENT_REQUESTS_PER_DOMAIN,
    "DOWNLOADER_MIDDLEWARES": {
        **DOWNLOADER_MIDDLEWARES,
        # robots.txt: fetched (and archived) by one worker per crawl and host, parsed by all from Redis; at
        # Scrapy's own place (100).
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "crawler.distributed.robots.SharedRobotsTxtMiddleware": 100,
        # Per-host politeness over all workers: a Redis-held slot per request (NIANBAO_HOST_CONCURRENCY,
        # NIANBAO_HOST_DELAY), taken just before the WARC recorder (950) stamps the send time, released when
        # the answer passes on the way back.
        "crawler.distributed.politeness.SharedHostSlotMiddleware": 940,
    },
    "ITEM_PIPELINES": {
        # As DocumentPipeline, but reports are assembled once, from all workers' documents, by the finalizer.
        "crawler.pipelines.DocumentPipeline": None,
        "crawler.distributed.pipeline.WorkerDocumentPipeline": 300,
    },
    "EXTENSIONS": {
        # The crawl row is opened by the enqueuer and closed by the crawl's finalizer, not by each worker.
        "crawler.extensions.CrawlRecorder": None,
        # Drift alerts need the whole crawl's discovery state, spread over the workers: each worker adds its part
        # in Redis (WorkerCrawl), the crawl's finalizer records the alerts.
        "spiders.drift.DriftMonitor": None,
        # State reports to Redis; keeps the spider open while the crawl may still get requests; finalizes.
        "crawler.distributed.extension.WorkerCrawl": 100,
    },
}

FEED_EXPORT_ENCODING = "utf-8"
