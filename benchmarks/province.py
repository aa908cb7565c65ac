"""Province throughput: deliveries per minute with 1 and with 2 workers, on this machine.

Three communes, each with 4 items on all three channels (12 deliveries each), in a shared Postgres ledger,
produced at once through a Prefect server on Postgres and a process work pool. Each worker runs one commune's
flow run at a time. Needs Debian's postgresql (make system-packages)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.province import make_commune, province, ready_to_produce, run_produce_everywhere  # noqa: E402
from tests import postgres as pg  # noqa: E402

ITEMS, COMMUNES = 4, 3


def one_round(server: pg.Server, workers: int, round_number: int) -> float:
    root = Path(tempfile.mkdtemp(prefix="cchc-province-"))
    ledger_url = server.create_database(f"so_tinh_{workers}_{round_number}")
    prefect_url = server.create_database(f"prefect_{workers}_{round_number}").replace("+psycopg", "+asyncpg")
    channels = "[portal, infographic, loudspeaker]"
    communes = [make_commune(root / f"xa-{n}", f"xa-{n}", ITEMS, channels) for n in range(COMMUNES)]
    env = ready_to_produce(communes, ledger_url, prefect_url)
    with province(communes, env, workers, runs_per_worker=1) as api:
        start = time.monotonic()
        states = run_produce_everywhere(api, communes, timeout=1200)
        elapsed = time.monotonic() - start
    assert set(states.values()) == {"COMPLETED"}, states
    deliveries = ITEMS * 3 * COMMUNES
    return deliveries / elapsed * 60


def main() -> None:
    rounds = int(os.environ.get("ROUNDS", "3"))
    with pg.running() as server:
        results = {}
        for workers in (1, 2):
            rates = [one_round(server, workers, n) for n in range(rounds)]
            results[workers] = statistics.median(rates)
            print(f"{workers} worker(s): {', '.join(f'{r:.1f}' for r in rates)} deliveries/min", flush=True)
    print(
        f"province throughput, median of {rounds}: 1 worker {results[1]:.1f}/min, 2 workers {results[2]:.1f}/min "
        f"({results[2] / results[1]:.2f}×), {COMMUNES} communes × {ITEMS} items × 3 channels"
    )


if __name__ == "__main__":
    main()
