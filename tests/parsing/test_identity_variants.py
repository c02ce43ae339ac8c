"""The identity resolver on generated variants: hundreds of (document text, page HTML) pairs from the seeds, with
independent knobs (label spelling and container, metadata block present/partial/absent, title forms, unit only in
the memo or the 落款, publisher other than the unit, towns, subdistricts, 实验区/开发区, the site's unit list, fee
statements). The page's metadata goes through the HTML extractor, as in a crawl. Accuracy is reported per knob
value and must be 100% for every one."""

from __future__ import annotations

from collections import defaultdict

import pytest

from parsing import header, parse_document
from parsing.extract import extract
from parsing.identity import resolve_identity
from tests.parsing.identity_variants import KNOBS, Variant, variant

N_VARIANTS = 700
VARIANTS = [variant(seed) for seed in range(N_VARIANTS)]


def _misses(v: Variant) -> list[str]:
    meta = extract(v.page_html, media_type="text/html").meta
    found = resolve_identity(v.text, meta, header.find_title(header.nonempty_lines(v.text)), v.known_units)
    got = (found.unit_name, found.report_year, found.published_at, found.disagree)
    want = (v.unit, v.year, v.published_at, v.disagree)
    return [] if got == want else [f"seed {v.seed} {v.knobs}: got {got}, want {want}"]


def test_every_knob_value_is_resolved_at_100_percent(capsys: pytest.CaptureFixture[str]) -> None:
    per_value: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for v in VARIANTS:
        wrong = _misses(v)
        misses += wrong
        for knob, value in v.knobs.items():
            per_value[(knob, value)][0] += not wrong
            per_value[(knob, value)][1] += 1
    with capsys.disabled():
        print(f"\nidentity variants: {N_VARIANTS}, per knob value (correct/total):")
        for knob, values in KNOBS.items():
            print(f"  {knob}: " + ", ".join(f"{v} {per_value[(knob, v)][0]}/{per_value[(knob, v)][1]}"
                                           for v in values))
    assert all(per_value[(knob, value)][1] for knob, values in KNOBS.items() for value in values)
    assert not misses, f"{len(misses)} wrong:\n" + "\n".join(misses[:15])


@pytest.mark.parametrize("seed", range(0, N_VARIANTS, 35))
def test_the_parser_records_identity_and_fee_of_a_variant(seed: int) -> None:
    """Through parse_document: the record carries the resolved identity, its evidence and the fee with its text."""
    v = VARIANTS[seed]
    meta = extract(v.page_html, media_type="text/html").meta
    record = parse_document(v.text.encode(), filename="r.txt", page_meta=meta, known_units=v.known_units).record
    assert (record["unit_name"], record["report_year"], record["published_at"]) == (v.unit, v.year, v.published_at)
    assert record["identity"]["disagree"] == v.disagree
    assert {s["source"] for s in record["identity"]["sources"]} >= {"statistics"}
    assert (record["fee_collected_yuan"], record["fee_raw"]) == (
        v.fee, v.fee_sentence if v.fee is not None else None)
