"""`make run`: the portal, a Celery worker with beat, and the demo city, on one machine.

With DATABASE_URL unset the settings start an embedded PostgreSQL under var/; with REDIS_URL
unset the worker uses kombu's filesystem transport under var/celery.

The address: HOST (default 127.0.0.1) and PORT. With PORT unset the first free port from 8000
is taken; a PORT that is taken is an error that says so. The address printed (and the demo
voting link) is the one the server answers on, printed once it answers.

Stopping: Ctrl-C or TERM stops everything this script started within a few seconds, and it
exits 0 so make reports nothing. The children run in their own process groups, so each gets
exactly one signal, from here (a worker hit twice by Ctrl-C shuts down cold and complains).
The embedded PostgreSQL keeps running for the next start; `make stop-db` stops it."""

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FIRST_PORT, LAST_PORT = 8000, 8020
# The demo seed prints one dwelling's voting link once, when it loads the demo city; its path
# is kept here (per database) to print it at every start.
VOTING_LINK = re.compile(r"resident link for .*?(/consultations/r/[A-Za-z0-9_-]+/)")
STOP_GRACE = 6.0  # seconds a child gets to stop before it is killed


class Stop(Exception):
    """Ctrl-C or TERM: stop everything, cleanly."""


def display_host(host: str) -> str:
    """The host to put in a link: a wildcard address is reached as localhost."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def site_url(host: str, port: int) -> str:
    host = display_host(host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(host: str, port: int, voting_path: str | None, *, embedded_db: bool) -> str:
    """What is printed once the server answers: where it is, the demo voting link, how to stop."""
    site = site_url(host, port)
    lines = ["", f"Huanxin is running on {site}/  (Ctrl-C stops it)"]
    if voting_path:
        lines.append(f"Resident voting link of a demo dwelling: {site}{voting_path}")
    lines.append("Staff issue and print residents' links under 居民投票链接 (Resident links).")
    if embedded_db:
        lines.append("The embedded PostgreSQL keeps running for the next start; `make stop-db`.")
    return "\n".join(lines) + "\n"


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the development server binds: reusing a port in TIME_WAIT is fine.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(host: str, requested: str | None) -> int:
    """PORT when given (it must be free), else the first free port from 8000."""
    if requested:
        try:
            port = int(requested)
        except ValueError:
            raise SystemExit(f"PORT={requested!r} is not a port number.") from None
        if not port_is_free(host, port):
            raise SystemExit(
                f"Port {port} on {host} is in use. Choose another, e.g. PORT={port + 1} make run"
            )
        return port
    for port in range(FIRST_PORT, LAST_PORT + 1):
        if port_is_free(host, port):
            return port
    raise SystemExit(
        f"Ports {FIRST_PORT}-{LAST_PORT} on {host} are all in use; choose one: PORT=8400 make run"
    )


def wait_until_answering(host: str, port: int, server: subprocess.Popen, timeout=120.0) -> bool:
    """Wait until the server accepts connections (True) or has exited (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with socket.create_connection((display_host(host), port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def manage(*args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def voting_link_file() -> Path:
    database = os.environ.get("DATABASE_URL", "embedded")
    return ROOT / "var" / f"demo-voting-link-{hashlib.sha256(database.encode()).hexdigest()[:12]}"


def seed_demo() -> str | None:
    """Load the demo city if the database is empty, showing its output; returns the path of the
    demo voting link (printed when the city is loaded, remembered from then on)."""
    command = [PY, "manage.py", "seed_demo", "--if-empty"]
    found = None
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as seed:
        for line in seed.stdout:
            print(line, end="", flush=True)
            match = VOTING_LINK.search(line)
            found = match.group(1) if match else found
    if seed.returncode:
        raise subprocess.CalledProcessError(seed.returncode, command)
    remembered = voting_link_file()
    if found:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        remembered.write_text(found)
    return found or (remembered.read_text().strip() if remembered.exists() else None)


def start(args) -> subprocess.Popen:
    # A process group of its own: the terminal's Ctrl-C reaches make and this script only.
    return subprocess.Popen(args, cwd=ROOT, start_new_session=True)


def stop_all(children: list[subprocess.Popen]) -> None:
    """One TERM each (Celery: warm shutdown), then, past the grace time, KILL the group."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for child in children:
        try:
            os.killpg(child.pid, signal.SIGKILL)  # stragglers, the worker's pool included
        except ProcessLookupError:
            pass
        child.wait()


def main():
    def on_signal(signum, frame):
        raise Stop

    # Explicit handlers: a shell that starts us in the background may have SIGINT ignored.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")
    host = os.environ.get("HOST", "127.0.0.1")
    port = choose_port(host, os.environ.get("PORT"))
    # The children (seed_demo's logins and voting link) print this address too.
    os.environ["HOST"], os.environ["PORT"] = host, str(port)
    children: list[subprocess.Popen] = []
    stopped = False
    try:
        manage("migrate", "--noinput", "-v", "0")
        voting = seed_demo()
        server = start([PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"])
        children.append(server)
        children.append(
            start(
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "renovation",
                    "worker",
                    "--beat",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--schedule",
                    str(ROOT / "var" / "celerybeat-schedule"),
                ]
            )
        )
        if wait_until_answering(host, port, server):
            embedded = not os.environ.get("DATABASE_URL")
            print(banner(host, port, voting, embedded_db=embedded), flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except Stop:
        stopped = True
    except subprocess.CalledProcessError as exc:
        if exc.returncode < 0:  # migrate or seed_demo stopped by Ctrl-C along with us
            stopped = True
        else:
            raise
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(children)
    if stopped:
        print("Huanxin stopped.", flush=True)
        sys.exit(0)
    # A child ended by itself: that is a failure (e.g. the server could not start).
    sys.exit(1)


if __name__ == "__main__":
    main()
