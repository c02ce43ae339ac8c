"""Distributed mode: several `nianbao worker` processes (on one or many machines) share each crawl.

`nianbao crawl --distributed` (distributed/enqueue.py) opens the crawl's row in the catalogue, pushes the
site's start requests into the crawl's own scrapy-redis queue and lists the crawl as active in Redis. Each worker
(distributed/worker.py) runs one AnnualReports spider per active crawl: requests come from and go to the
shared queue, the shared duplicate filter sees each URL once, PostgreSQL holds the catalogue, and each worker writes
its own WARC files (worker id in the name) into the shared archive directory. Per-host politeness is a Redis-held
slot (distributed/politeness.py). When the crawl is finished (distributed/coordination.py) exactly
one worker assembles the reports and closes the row (distributed/finalize.py).
"""
