"""A province on one machine: one Prefect server on Postgres, a work pool, two workers, three communes in a
shared Postgres ledger, produced at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.province import make_commune, province, ready_to_produce, run_produce_everywhere

pytestmark = pytest.mark.flow


def test_three_communes_on_two_workers_deliver_each_file_once_into_postgres(postgres: object, tmp_path: Path) -> None:
    import psycopg

    ledger_url = postgres.create_database("so_tinh")
    prefect_url = postgres.create_database("prefect_tinh").replace("+psycopg", "+asyncpg")
    communes = [make_commune(tmp_path / f"xa-{n}", f"xa-{n}", items=2) for n in ("a", "b", "c")]
    env = ready_to_produce(communes, ledger_url, prefect_url)
    with province(communes, env, workers=2) as api:
        states = run_produce_everywhere(api, communes)
        again = run_produce_everywhere(api, communes)  # a second round finds nothing to do
    assert states == {"xa-a": "COMPLETED", "xa-b": "COMPLETED", "xa-c": "COMPLETED"}
    assert set(again.values()) == {"COMPLETED"}
    with psycopg.connect(ledger_url.replace("+psycopg", "")) as db:
        rows = db.execute(
            "SELECT commune, count(*), count(DISTINCT (item_id, channel, version)) FROM deliveries GROUP BY commune"
        ).fetchall()
        produced = db.execute("SELECT commune, count(*) FROM events WHERE kind = 'produced' GROUP BY commune")
        assert sorted(rows) == [("xa-a", 2, 2), ("xa-b", 2, 2), ("xa-c", 2, 2)]
        assert sorted(produced.fetchall()) == [("xa-a", 2), ("xa-b", 2), ("xa-c", 2)]
        assert db.execute("SELECT count(*) FROM leases").fetchone() == (0,)  # every lease given back
    for ws in communes:
        assert len(list((ws.output_dir / "portal" / "bai-viet").glob("*.html"))) == 4  # 2 pages, 2 fragments
