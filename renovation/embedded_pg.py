"""An embedded PostgreSQL for a fresh machine: started from the `pgserver` wheel when
DATABASE_URL is unset, kept under var/ so data survives restarts."""

import logging
import warnings
from pathlib import Path
from urllib.parse import quote


def embedded_database_url(data_dir: Path, database: str = "huanxin") -> str:
    """Start (or reuse) the server in `data_dir` and return a URL for `database`."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver copes.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so runserver's reloader, the Celery
    # worker and the test runner share one server instead of each starting (and stopping) one.
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    marker = data_dir / f".created-{database}"
    if not marker.exists():
        found = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "1 row" not in found:
            server.psql(f'CREATE DATABASE "{database}";')
        marker.touch()
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/{database}?host={quote(str(socket_dir), safe='')}"
