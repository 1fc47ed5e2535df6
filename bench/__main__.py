"""`make bench` / `python -m bench [--households N] [--runs N] [-k NAME] [--list]`.

Runs against its own database (BENCH_DATABASE_URL, else DATABASE_URL with the database name
`bench_huanxin`, else the embedded PostgreSQL's `bench_huanxin`), seeded once with the demo
city scaled to --households dwellings and reused afterwards. DEBUG is off, as in production."""

import argparse
import importlib
import importlib.util
import io
import json
import os
import platform
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "bench_huanxin")


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.path.insert(0, str(ROOT))
        from renovation.embedded_pg import embedded_database_url

        return embedded_database_url(ROOT / "var" / "pgdata", database=BENCH_DB)
    parts = urlsplit(url)
    bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    _create_database(url, BENCH_DB)
    return bench_url


def _create_database(server_url: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(server_url)
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--households",
        type=int,
        default=200_000,
        help="dwellings in the benchmark registry (default 200000)",
    )
    parser.add_argument("--runs", type=int, default=30, help="timed runs per figure (median)")
    parser.add_argument(
        "-k", dest="only", default="", help="run benchmarks whose name contains this"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args()


def setup_django():
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(32))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def discover():
    """bench/<topic>.py modules, then every installed app's `<app>.bench`."""
    from django.apps import apps

    for path in sorted((ROOT / "bench").glob("*.py")):
        if path.stem not in {"__init__", "__main__", "harness"}:
            importlib.import_module(f"bench.{path.stem}")
    for config in apps.get_app_configs():
        name = f"{config.name}.bench"
        if importlib.util.find_spec(config.name) and importlib.util.find_spec(name):
            importlib.import_module(name)


def seed(households: int) -> int:
    from django.core.management import call_command

    from communities.models import Household

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    if Household.objects.count() < households:
        print(f"Seeding the benchmark registry ({households} households) …", flush=True)
        output = io.StringIO()  # the demo logins are not needed here
        call_command("seed_demo", "--if-empty", "--households", str(households), stdout=output)
    count = Household.objects.count()
    print(f"Benchmark database ready: {count} households ({time.monotonic() - started:.1f} s).")
    return count


def main():
    args = parse_args()
    setup_django()
    discover()
    from bench import REGISTRY
    from bench.harness import Context, Skip

    chosen = [b for b in REGISTRY if args.only in b.name]
    if args.list:
        for b in chosen:
            print(f"{b.name}  ({b.module})")
        return
    households = seed(args.households)
    from django.db import connection

    ctx = Context(runs=args.runs)
    rows, records, failed = [], [], []
    for b in chosen:
        started = time.monotonic()
        try:
            result = b.func(ctx)
        except Skip as exc:
            rows.append((b.name, "skipped", "", "", str(exc)))
            records.append({"name": b.name, "skipped": str(exc)})
            continue
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the rest
            traceback.print_exc()
            failed.append(b.name)
            rows.append((b.name, "FAILED", "", "", f"{type(exc).__name__}: {exc}"[:120]))
            records.append({"name": b.name, "failed": f"{type(exc).__name__}: {exc}"})
            continue
        if result is None:
            continue
        rows.append(
            (
                b.name,
                f"{result.figure_ms:.1f}",
                f"{result.floor_ms:.1f}",
                f"{result.ratio:.1f}x",
                result.note,
            )
        )
        records.append(
            {
                "name": b.name,
                "figure_ms": round(result.figure_ms, 3),
                "floor_ms": round(result.floor_ms, 3),
                "ratio": round(result.ratio, 2),
                "runs": result.runs,
                "note": result.note,
                **result.details,
                "seconds": round(time.monotonic() - started, 1),
            }
        )
        print(f"  {b.name}: {result.figure_ms:.1f} ms (floor {result.floor_ms:.1f} ms)", flush=True)

    table = render(rows, households=households, runs=args.runs)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = {
        "at": stamp,
        "households": households,
        "runs": args.runs,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "postgresql": connection.pg_version,
    }
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps({**meta, "results": records}, ensure_ascii=False, indent=2)
    )
    (RESULTS / "latest.txt").write_text(table + "\n")
    print(f"Written to {RESULTS / (stamp + '.json')}")
    if failed:
        sys.exit(f"{len(failed)} benchmark(s) failed: {', '.join(failed)}")


def render(rows, *, households: int, runs: int) -> str:
    header = ("benchmark", "median ms", "floor ms", "ratio", "note")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        f"\nBenchmarks on {households} households, median of {runs} runs each "
        "(floor measured in the same run):",
        "",
    ]
    for i, row in enumerate([header, *rows]):
        cells = [
            row[0].ljust(widths[0]),
            *(c.rjust(w) for c, w in zip(row[1:4], widths[1:4], strict=True)),
            row[4],
        ]
        lines.append("  ".join(cells))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
