"""`nianbao db` on the real PostgreSQL: upgrade builds the models' schema, a catalogue behind is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.db import CatalogueBehind, current_revision, engine_for, head_revision, open_catalogue, revisions, upgrade
from storage.models import Base
from tests.conftest import postgres_schema, run_nianbao


def _nianbao(args: list[str], url: str, home: Path) -> tuple[int, str, str]:
    out = run_nianbao(args, {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": url}, timeout=120)
    return out.returncode, out.stdout, out.stderr


def test_db_upgrade_on_an_empty_postgresql_schema_equals_the_models(tmp_path: Path) -> None:
    with postgres_schema() as url:
        assert _nianbao(["db", "current"], url, tmp_path)[1].split() == [
            "db", "current", "revision=none", f"head={head_revision()}", "state=empty"]
        code, out, err = _nianbao(["db", "upgrade"], url, tmp_path)
        assert code == 0, err
        assert f"from=none revision={head_revision()}" in out and "state=current" in out
        with engine_for(url).connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        # Everything of the models, identical; besides, only the full-text search table the models leave out
        # (storage/search.py: an FTS5 table on SQLite, a table with a pg_trgm index on PostgreSQL).
        assert sorted((kind, thing.name) for kind, thing in diff) == [
            ("remove_index", "ix_report_search_body_trgm"), ("remove_table", "report_search")]
        assert current_revision(url) == head_revision()


def test_a_postgresql_catalogue_behind_is_refused_until_db_upgrade(tmp_path: Path) -> None:
    with postgres_schema() as url:
        upgrade(url, "0004")
        code, _, err = _nianbao(["reports"], url, tmp_path)
        assert code == 2 and "revision 0004" in err and "run `nianbao db upgrade`" in err
        with pytest.raises(CatalogueBehind, match="nianbao db upgrade"):
            open_catalogue(url)
        assert current_revision(url) == "0004"  # refusing did not migrate it
        assert "revision=0004" in _nianbao(["db", "current"], url, tmp_path)[1]
        history = _nianbao(["db", "history"], url, tmp_path)[1].splitlines()
        assert [line.split()[0] for line in history] == [revision for revision, _ in revisions()]
        assert history[3].startswith("0004 (current) ") and history[-1].startswith(f"{head_revision()} (head) ")

        assert _nianbao(["db", "upgrade"], url, tmp_path)[0] == 0
        code, out, err = _nianbao(["reports", "--format", "json"], url, tmp_path)
        assert (code, out) == (0, ""), err
        code, out, _ = _nianbao(["db", "downgrade", "0004"], url, tmp_path)
        assert code == 0 and "revision=0004" in out and "state=behind" in out
        assert current_revision(url) == "0004"
        assert _nianbao(["reports"], url, tmp_path)[0] == 2


def test_a_postgresql_catalogue_ahead_of_the_code_is_refused_without_asking_for_an_upgrade(tmp_path: Path) -> None:
    with postgres_schema() as url:
        upgrade(url)
        with engine_for(url).begin() as conn:  # as if a newer nianbao had migrated it
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        code, _, err = _nianbao(["reports"], url, tmp_path)
        assert code == 2 and "revision 9999, newer than this nianbao knows" in err and "db upgrade" not in err


def test_sqlite_catalogue_still_upgrades_itself(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    upgrade(url, "0004")
    code, _, err = _nianbao(["reports"], url, tmp_path)
    assert code == 0, err
    assert current_revision(url) == head_revision()
