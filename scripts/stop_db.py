"""`make stop-db`: stop the embedded PostgreSQL that `make run` and `make test` start under
var/pgdata when DATABASE_URL is unset.

pgserver's own cleanup stops the server only when the process asking holds its last "handle";
a handle left behind by a process that did not exit cleanly (a killed worker) kept the server
running for good. This asks the server itself to stop (pg_ctl stop, fast mode: open sessions
are closed, nothing committed is lost) and forgets the stale handles."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "var" / "pgdata"


def server_pid(data_dir: Path) -> int | None:
    """The postmaster's pid when a server is running on `data_dir`, else None."""
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, owned by the pgserver user when run as root
        pass
    return pid


def stop(data_dir: Path = DEFAULT_DATA_DIR, *, timeout: int = 60) -> str:
    """Stop the server on `data_dir`; returns what happened, in a sentence."""
    data_dir = Path(data_dir).resolve()
    if server_pid(data_dir) is None:
        return f"The embedded PostgreSQL ({data_dir}) is not running."
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver copes.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pgserver._commands import pg_ctl

    # As root, pgserver runs the server as its own "pgserver" user; pg_ctl must be that user.
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-t", str(timeout), "-m", "fast", "stop"], pgdata=data_dir, user=user)
    except subprocess.CalledProcessError as exc:
        if server_pid(data_dir) is not None:
            raise SystemExit(
                f"Could not stop the embedded PostgreSQL in {data_dir}: {exc}"
            ) from exc
    handles = data_dir / ".handle_pids.json"
    if handles.exists():
        handles.write_text("[]")
    return f"Stopped the embedded PostgreSQL ({data_dir})."


if __name__ == "__main__":
    print(stop(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR))
