"""`nianbao schedule` and `nianbao status`: cron triggers per site, run ownership, the scheduler service."""
