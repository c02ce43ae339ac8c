"""The Scrapy settings of nianbao: the table of contents of every component, built from kernel.config.

The NIANBAO_* environment variables are read by `kernel.config.Config.from_env` and nowhere else; this module turns
them into Scrapy's settings. Components read nianbao's own values back with `Config.from_settings(crawler.settings)`.
"""

from scrapy.settings.default_settings import RETRY_EXCEPTIONS as _SCRAPY_RETRY_EXCEPTIONS

from kernel.config import Config

_CONFIG = Config.from_env()

BOT_NAME = "nianbao"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- nianbao's own settings (env: NIANBAO_<NAME>) ------------------------------------------------
NIANBAO_HOME = str(_CONFIG.home)
# Empty: SQLite at $NIANBAO_HOME/nianbao.db. A postgresql+psycopg:// URL switches to PostgreSQL.
NIANBAO_DATABASE_URL = _CONFIG.database_url_setting
# Empty: $NIANBAO_HOME/warcs.
NIANBAO_WARC_DIR = _CONFIG.warc_dir_setting
NIANBAO_WARC_MAX_SIZE = _CONFIG.warc_max_size
NIANBAO_OPERATOR = _CONFIG.operator
# Parse workers (processes; default: the cores), one pool per process shared by all its crawls, and the wall-clock
# limit per document, in seconds.
NIANBAO_PARSE_WORKERS = _CONFIG.parse_workers
# True (`crawl --no-wait`): the crawl does not parse; `nianbao reparse --pending` parses and assembles the reports.
NIANBAO_PARSE_DEFERRED = _CONFIG.parse_deferred
# `crawl --all`: how many sites are crawled at once in one process (the others wait their turn).
NIANBAO_SITE_CONCURRENCY = _CONFIG.site_concurrency
NIANBAO_PARSE_TIMEOUT = _CONFIG.parse_timeout
# The address-space limit of one parse worker, in MB (0: no limit). A document that needs more fails alone.
NIANBAO_PARSE_MEMORY_MB = _CONFIG.parse_memory_mb
# The site registry file (TOML), the whole registry; empty: the shipped spiders/sites.toml (read-only) with
# $NIANBAO_HOME/sites.toml on top (spiders/registry.py). `nianbao sites add` appends to it, else to
# $NIANBAO_HOME/sites.toml; never into the package.
NIANBAO_REGISTRY = _CONFIG.registry
# An HTTP proxy for every request (the sample web in tests and the demo). Falls back to http_proxy.
NIANBAO_PROXY = _CONFIG.proxy
# The web UI (`nianbao serve`): the operator password (empty: no operator, the UI is read-only), the key that
# signs its session cookies and CSRF tokens (empty: a random key per process, sessions end at restart), and the
# hosts/networks an on-demand crawl may target although they are not public (comma-separated, e.g. "127.0.0.1").
NIANBAO_UI_PASSWORD = _CONFIG.ui_password
NIANBAO_UI_SECRET = _CONFIG.ui_secret
NIANBAO_UI_CRAWL_ALLOWLIST = ",".join(_CONFIG.ui_crawl_allowlist)

# `nianbao schedule`: crawls running at once, the seconds a SIGTERM waits for running crawls to close before they
# are killed (deploy/nianbao-schedule.service's TimeoutStopSec is this plus a margin), and the trigger recorded on
# a crawl's run row (the scheduler sets "scheduled" for the crawls it starts).
NIANBAO_SCHEDULE_CONCURRENCY = _CONFIG.schedule_concurrency
NIANBAO_SCHEDULE_STOP_TIMEOUT = _CONFIG.schedule_stop_timeout
NIANBAO_TRIGGER = _CONFIG.trigger
# `nianbao crawl --resume` (and every scheduled run) goes on with a site's last run if it was cut short (killed,
# or stopped by SIGTERM) and began at most this many hours ago; an older one is left as it is and a new run starts.
NIANBAO_RESUME_MAX_AGE = _CONFIG.resume_max_age_hours
# Below this many MB free on the archive's disk a crawl pauses its downloads until space returns (DiskSpaceGuard).
NIANBAO_MIN_FREE_MB = _CONFIG.min_free_mb

# Distributed mode (`nianbao worker`, `nianbao crawl --distributed`; distributed/): the Redis that holds
# the shared request queues, duplicate filters and per-host slots; a namespace for its keys (lets several
# deployments, or tests, share one Redis); and this worker's id, which names its WARC files (empty: <host>-<pid>).
NIANBAO_REDIS_URL = _CONFIG.redis_url
NIANBAO_REDIS_PREFIX = _CONFIG.redis_prefix
NIANBAO_WORKER_ID = _CONFIG.worker_id
# Seconds a busy worker may stay silent before the others take it for dead and put the requests it held back in
# the queue (distributed/coordination.py). Workers report every min(5, this / 4) seconds; one whose reactor
# blocks longer than this mid-crawl is taken for dead while alive, and its requests are done twice.
NIANBAO_WORKER_STALE_AFTER = _CONFIG.worker_stale_after
NIANBAO_REDIS_WAIT = _CONFIG.redis_wait

# --- politeness ------------------------------------------------------------------------------------
USER_AGENT = "nianbao/0.1 (+archive of government information-disclosure annual reports)"
# robots.txt is obeyed unless NIANBAO_ROBOTS=0 (e.g. for a site that blocks its own report column by mistake).
ROBOTSTXT_OBEY = _CONFIG.robots
CONCURRENT_REQUESTS = 16
# Per host: parallel requests and the delay between two of them (seconds), e.g. 1 and 2.0 for a fragile site.
CONCURRENT_REQUESTS_PER_DOMAIN = _CONFIG.host_concurrency
DOWNLOAD_DELAY = _CONFIG.host_delay
# A 429/503 with Retry-After is retried after the wait the site asked for, if it is at most this long.
NIANBAO_RETRY_AFTER_MAX = _CONFIG.retry_after_max
# A crawl of one site stops after this many responses (a runaway list or a trap the rules did not catch).
CLOSESPIDER_PAGECOUNT = _CONFIG.max_pages
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
# Seconds for one download, request to last byte: a server that never answers, or dribbles a body byte by byte,
# ends as a timeout (NIANBAO_DOWNLOAD_TIMEOUT).
DOWNLOAD_TIMEOUT = _CONFIG.download_timeout
# Annual reports are rarely above 50 MB. A body over NIANBAO_MAX_DOWNLOAD_MB is cut there and archived as a
# truncated record (crawler/limits.py); Scrapy's own maximum, which would cancel it and keep nothing, is off.
NIANBAO_MAX_DOWNLOAD_MB = _CONFIG.max_download_mb
DOWNLOAD_MAXSIZE = 0
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
# 1 request + 2 retries for a download error or a 5xx/429 (Retry-After waits count as retries too); the URL then
# ends with a recorded outcome (crawler/outcomes.py).
RETRY_TIMES = 2
# A render that times out (Chromium's navigation under a loaded machine) is retried like a download timeout.
RETRY_EXCEPTIONS = [*_SCRAPY_RETRY_EXCEPTIONS, "playwright.async_api.TimeoutError"]
# A redirect chain longer than this (browsers allow 20) ends as "too-many-redirects"; a loop ends sooner.
REDIRECT_MAX_TIMES = 10
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# No listening port: Scrapy's telnet console and its remote-control HTTP server (Scrapy ≥ 2.19: runs Python code
# sent to a loopback port, and writes its token to a job file in the user's home) are off; nianbao needs neither
# (tests/crawler/test_crawl_network.py checks the crawl's process tree listens on nothing).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = _CONFIG.log_level
# Scrapy checks every callback it calls for a generator that returns a value by reading its source and parsing it
# (inspect + ast, cached for 128 callables, fewer than a crawl of many sites binds): 3% of a crawl's CPU. Our
# callbacks are few, and tests/spiders/test_callbacks.py makes the same check of every one of them once.
WARN_ON_GENERATOR_RETURN_VALUE = False
# A crawl of one site must end: a ceiling on depth guards against calendar traps. Discovery bounds each step
# itself (sections 3 levels, sub-columns 3 levels, list pages per column: registry max_list_pages, default 200);
# a 下一页 chain adds one level per page, so the ceiling leaves room for long lists.
DEPTH_LIMIT = 250

# --- browser: only for pages where the static discovery rules find nothing ------------------------
# NIANBAO_BROWSER=0 switches rendering off; the spider then records such pages as found-nothing.
NIANBAO_BROWSER = _CONFIG.browser
if NIANBAO_BROWSER:
    # scrapy-playwright serves requests with meta["playwright"]; all others go to Scrapy's own HTTP handler.
    DOWNLOAD_HANDLERS = {
        "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
        "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    }
# scrapy-playwright needs the asyncio reactor (Scrapy's default since 2.13; said here so nothing overrides it).
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# One Playwright driver and one Chromium per process, started at the first render (not one per crawl at its start):
# `crawl --all` of many sites that need no browser starts none (crawler/shared_browser.py).
PLAYWRIGHT_BROWSER_PROVIDER = "crawler.shared_browser.SharedBrowserProvider"
# Debian's chromium (scripts/install-system-deps); `playwright install` is never needed. The proxy is set per
# browser context from the request's proxy (spiders/annual_reports.py), so --proxy and http_proxy apply too.
# The browser talks to the site and to nothing else (tests/crawler/test_crawl_network.py): its own services are
# off — background networking, component updates, sync, default apps, translate, domain reliability, extensions,
# crash reports, metrics uploads, hyperlink-auditing pings. Two Google services of Chromium 156 have no off switch
# (the on-demand download of the optimization-guide model manifest; GAIA's ListAccounts at every start): their
# endpoints point at port 9 on loopback, which Chromium reaches without any proxy and where nothing listens.
# No --disable-features here: Playwright passes its own list (OptimizationHints, NetworkTimeServiceQuerying, …)
# and a second one would replace it. Playwright drives Chromium over a pipe (--remote-debugging-pipe), no port.
_NOWHERE = "http://127.0.0.1:9/"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": _CONFIG.chromium,
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-translate",
             "--disable-domain-reliability", "--disable-extensions",
             "--disable-component-extensions-with-background-pages", "--disable-breakpad", "--metrics-recording-only",
             "--no-pings", f"--component-updater=url-source={_NOWHERE}", f"--gaia-url={_NOWHERE}",
             f"--variations-server-url={_NOWHERE}"],
}
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

# --- components ------------------------------------------------------------------------------------
# A host name that resolves to a private address is not connected to, whatever it resolved to before (DNS rebinding);
# behind a proxy only the proxy's host is resolved here (crawler/resolver.py).
TWISTED_DNS_RESOLVER = "crawler.resolver.PublicAddressResolver"
DOWNLOADER_MIDDLEWARES = {
    # Never a request to localhost or a non-public address (a link or redirect into the operator's network): first
    # of all, before robots.txt (100) would fetch anything from such a host.
    "crawler.ssrf.PrivateAddressGuard": 40,
    # The final outcome of every request that did not end in a whole page (storage/fetch_outcomes.py): below
    # Retry (550) and Redirect (600), so it sees only what they gave up on or let through.
    "crawler.outcomes.FetchOutcomes": 45,
    # Redirect loops and over-long chains end recorded, just above RedirectMiddleware (600), which would drop them.
    "crawler.outcomes.RedirectGuard": 610,
    # Proxy: the standard HttpProxyMiddleware (750) reads http_proxy; ours sets request.meta["proxy"]
    # from NIANBAO_PROXY first so the CLI's --proxy wins over the environment.
    "crawler.middlewares.ProxyMiddleware": 740,
    # Retry-After: sees a 429/503 before RetryMiddleware (550) does, waits as asked, then retries.
    "crawler.politeness.RetryAfterMiddleware": 560,
    # A data request a rendered page already made (fetch/XHR, kept by crawler/browser.py) is answered from what the
    # browser got, not downloaded again: before the WARC recorder (950), which still records it.
    "crawler.browser.BrowserMemoMiddleware": 930,
    # A page without a declared charset is read as UTF-8 or else GB18030, before Scrapy's guess takes a short GBK
    # page for Korean (crawler/chinese_text.py): below HttpCompression (590), so it sees the decoded body; the
    # archived bytes are untouched.
    "crawler.chinese_text.UndeclaredCharsetMiddleware": 580,
    # The WARC recorder must see every hop and the body as it came off the wire: above
    # HttpCompression (590) and Redirect (600), and above the stats middleware (850) so that it
    # sees the final request headers Scrapy sends.
    "crawler.middlewares.WarcRecorderMiddleware": 950,
    # The size limit: nearest the download handler, so a body cut at NIANBAO_MAX_DOWNLOAD_MB is trimmed and
    # flagged before the recorder (950) archives it with WARC-Truncated.
    "crawler.limits.DownloadLimit": 960,
}

ITEM_PIPELINES = {
    # Stores each report page / attachment as a Document and hands it to the parse workers (the stage is drained
    # by CrawlRecorder at the crawl's end, so it needs CrawlRecorder).
    "crawler.pipelines.DocumentPipeline": 300,
}

EXTENSIONS = {
    # Opens the Crawl row (or takes the one `nianbao crawl` opened) and, at spider close, ends the crawl in one
    # order (lifecycle/finish.py): drains DocumentPipeline's parses, assembles the reports, closes the row with
    # status and counts, records withdrawals and drift alerts (what discovery found, under NIANBAO_HOME).
    "crawler.extensions.CrawlRecorder": 100,
    # Stores the units the spider finds with the site (storage/units.py) and gives them to the crawl's parses.
    "crawler.units.SiteUnitsRecorder": 200,
    # Pauses the downloads while the archive's disk has less than NIANBAO_MIN_FREE_MB free (and finishes the WARC
    # file); goes on when space returns. Off with NIANBAO_MIN_FREE_MB=0.
    "crawler.diskspace.DiskSpaceGuard": 300,
}

# --- distributed mode: what a `nianbao worker` changes for each crawl's spider (distributed/) -----------
# distributed/worker.py adds REDIS_URL (NIANBAO_REDIS_URL) and the crawl's own queue and filter keys.
NIANBAO_WORKER_SETTINGS = {
    # scrapy-redis: the request queue (a sorted set by priority) and the duplicate filter (a set of fingerprints)
    # live in Redis, shared by every worker of the crawl. CrawlQueue pops and marks its worker busy in one step
    # (finish detection); the queue outlives any one worker (PERSIST), the crawl's finalizer deletes it.
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "SCHEDULER_QUEUE_CLASS": "distributed.queue.CrawlQueue",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,
    # Requests are stored as JSON (distributed/serializer.py), not as scrapy-redis's default pickles:
    # whoever can write to Redis must not be able to run code in the workers.
    "SCHEDULER_SERIALIZER": "distributed.serializer",
    # A worker's spider takes from the shared queue only as many requests as one host may have in flight, so
    # that it does not hoard requests that would wait for a host slot while other workers idle.
    "CONCURRENT_REQUESTS": CONCURRENT_REQUESTS_PER_DOMAIN,
    "DOWNLOADER_MIDDLEWARES": {
        **DOWNLOADER_MIDDLEWARES,
        # robots.txt: fetched (and archived) by one worker per crawl and host, parsed by all from Redis; at
        # Scrapy's own place (100).
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "distributed.robots.SharedRobotsTxtMiddleware": 100,
        # Per-host politeness over all workers: a Redis-held slot per request (NIANBAO_HOST_CONCURRENCY,
        # NIANBAO_HOST_DELAY), taken just before the WARC recorder (950) stamps the send time, released when
        # the answer passes on the way back.
        "distributed.politeness.SharedHostSlotMiddleware": 940,
    },
    "ITEM_PIPELINES": {
        # As DocumentPipeline, but each worker drains its own parses at close; reports are assembled once, from all
        # workers' documents, by the finalizer.
        "crawler.pipelines.DocumentPipeline": None,
        "distributed.pipeline.WorkerDocumentPipeline": 300,
    },
    "EXTENSIONS": {
        # The crawl row is opened by the enqueuer and the crawl ended by its finalizer, not by each worker. Drift
        # alerts need the whole crawl's discovery state, spread over the workers: each worker adds its part in Redis
        # (WorkerCrawl), the finalizer records the alerts.
        "crawler.extensions.CrawlRecorder": None,
        # State reports to Redis; keeps the spider open while the crawl may still get requests; finalizes.
        "distributed.extension.WorkerCrawl": 100,
    },
}

FEED_EXPORT_ENCODING = "utf-8"
