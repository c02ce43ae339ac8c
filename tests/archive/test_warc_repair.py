"""repair_open_files: torn last members are cut away after a crash and the file is finished."""

from __future__ import annotations

import os
import time
from pathlib import Path

from archive.reader import iter_records
from archive.records import RecordBuilder
from archive.repair import HIDDEN_STALE_AFTER, repair_open_files
from archive.writer import WarcWriter
from tests.archive.warc_helpers import counting_ids, make_exchange, read_all, ticking_clock, warcio_check


def _crashed_writer_file(directory: Path) -> tuple[Path, list]:
    """Write warcinfo + 3 records and abandon the writer as a crash would (file stays `.open`)."""
    builder = RecordBuilder(record_id=counting_ids())
    writer = WarcWriter(directory, clock=ticking_clock(), builder=builder)
    request, response = builder.capture(make_exchange())
    locations = writer.write([request, response])
    locations += writer.write([builder.metadata("http://x/", make_exchange().sent_at, {"a": ["b"]}, None)])
    path = writer.current_path
    assert path is not None
    return path, locations


def test_torn_third_record_is_cut(tmp_path: Path) -> None:
    path, locations = _crashed_writer_file(tmp_path)
    third = locations[2]
    with open(path, "r+b") as file:
        file.truncate(third.offset + third.length // 2)

    repaired = repair_open_files(tmp_path)

    final = tmp_path / third.filename
    assert repaired == [final]
    assert not path.exists() and final.stat().st_size == third.offset
    assert [t for t, _, _ in read_all(final)] == ["warcinfo", "request", "response"]
    assert [r.record_type for r in iter_records(final)] == ["warcinfo", "request", "response"]
    assert warcio_check(final) == 0


def test_complete_file_is_only_renamed(tmp_path: Path) -> None:
    path, locations = _crashed_writer_file(tmp_path)
    size = path.stat().st_size
    assert repair_open_files(tmp_path) == [tmp_path / locations[0].filename]
    assert (tmp_path / locations[0].filename).stat().st_size == size


def test_trailing_garbage_is_cut(tmp_path: Path) -> None:
    path, locations = _crashed_writer_file(tmp_path)
    size = path.stat().st_size
    with open(path, "ab") as file:
        file.write(b"\x00" * 4096)
    (final,) = repair_open_files(tmp_path)
    assert final.stat().st_size == size
    assert len(read_all(final)) == 4


def test_file_without_a_whole_record_is_removed(tmp_path: Path) -> None:
    path, _ = _crashed_writer_file(tmp_path)
    with open(path, "r+b") as file:
        file.truncate(40)
    assert repair_open_files(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_finished_files_are_left_alone(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, clock=ticking_clock()) as writer:
        writer.write(list(writer.builder.capture(make_exchange())))
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    assert repair_open_files(tmp_path) == []
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_live_writers_file_is_left_alone(tmp_path: Path) -> None:
    crashed, _ = _crashed_writer_file(tmp_path / "x")  # the writer is gone: its lock went with it
    crashed.rename(tmp_path / crashed.name)
    (tmp_path / "x").rmdir()
    with WarcWriter(tmp_path, prefix="live", clock=ticking_clock()) as live:
        live.write(list(live.builder.capture(make_exchange())))
        live_path = live.current_path
        assert live_path is not None
        size = live_path.stat().st_size

        repaired = repair_open_files(tmp_path)

        assert repaired == [tmp_path / crashed.name.removesuffix(".open")]
        assert live_path.exists() and live_path.stat().st_size == size
        live.write(list(live.builder.capture(make_exchange())))
    assert warcio_check(live_path.with_name(live_path.name.removesuffix(".open"))) == 0


def test_no_hidden_file_is_left_by_a_writer(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, clock=ticking_clock()) as writer:
        writer.write(list(writer.builder.capture(make_exchange())))
    assert [p.name.startswith(".") for p in tmp_path.iterdir()] == [False]


def test_a_hidden_file_is_removed_only_once_it_is_old(tmp_path: Path) -> None:
    """A `.…open.new` file is a writer's between create and lock (another crawl sharing the directory) while
    it is young; an old unlocked one is what a crash left."""
    fresh = tmp_path / ".nianbao-helan-20261202-00000.warc.gz.open.new"
    old = tmp_path / ".nianbao-pingluo-20261101-00000.warc.gz.open.new"
    fresh.touch()
    old.touch()
    past = time.time() - HIDDEN_STALE_AFTER - 5
    os.utime(old, (past, past))

    assert repair_open_files(tmp_path) == []

    assert fresh.exists() and not old.exists()
