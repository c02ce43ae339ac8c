"""Render many variant sites at once in worker processes (report PDFs and DOCX files cost ~0.5 s each), and hand
the bytes to this process's sample web, so a crawl of hundreds of sites does not wait for them one by one."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor

from sampleweb.resources import Resource, build_site, preload
from sampleweb.variants.sites import variant_spec


def _render(seed: int) -> tuple[int, Mapping[str, Resource]]:
    return seed, dict(build_site(variant_spec(seed)))


def prerender(seeds: Iterable[int], workers: int) -> None:
    """Build sites ``seeds`` (default cache dir) in ``workers`` processes and preload them here."""
    context = multiprocessing.get_context("spawn")  # the caller may run threads: never fork it
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for seed, resources in pool.map(_render, list(seeds), chunksize=4):
            preload(variant_spec(seed), resources)
