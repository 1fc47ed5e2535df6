"""The two commands: `make run` prints the address it serves on (and the demo voting link with
it) and stops its children cleanly; `make stop-db` stops the embedded PostgreSQL even when a
process left a stale handle behind."""

import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"huanxin_{name}", ROOT / "scripts" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = load("run")


def test_the_banner_names_the_port_the_server_answers_on_and_the_voting_link_with_it():
    text = run.banner("127.0.0.1", 8301, "/consultations/r/abc123/", embedded_db=True)
    assert "Huanxin is running on http://127.0.0.1:8301/" in text
    assert "http://127.0.0.1:8301/consultations/r/abc123/" in text
    assert ":8000" not in text and "make stop-db" in text


def test_a_wildcard_host_is_printed_as_an_address_a_browser_can_open():
    assert run.site_url("0.0.0.0", 8301) == "http://127.0.0.1:8301"
    assert run.site_url("::", 8301) == "http://127.0.0.1:8301"


def test_a_requested_port_that_is_taken_is_refused_with_the_way_out():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as refused:
            run.choose_port("127.0.0.1", str(port))
    assert f"Port {port}" in str(refused.value) and "PORT=" in str(refused.value)
    with pytest.raises(SystemExit):
        run.choose_port("127.0.0.1", "eighty")


def test_without_a_port_the_first_free_one_from_8000_is_taken():
    port = run.choose_port("127.0.0.1", None)
    assert run.FIRST_PORT <= port <= run.LAST_PORT and run.port_is_free("127.0.0.1", port)


def test_the_voting_link_the_demo_prints_carries_the_port_make_run_serves_on(
    db, settings, monkeypatch
):
    from communities import demo as registry
    from consultations import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8301")
    registry.seed_demo(stdout=io.StringIO())
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    (line,) = [line for line in out.getvalue().splitlines() if "resident link" in line]
    assert "http://127.0.0.1:8301/consultations/r/" in line
    assert run.VOTING_LINK.search(line).group(1).startswith("/consultations/r/")


def test_stopping_sends_one_term_and_kills_a_child_that_ignores_it(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "STOP_GRACE", 1.0)
    ready = tmp_path / "ready"
    polite = run.start([sys.executable, "-c", "import time\nwhile True: time.sleep(0.1)"])
    stubborn = run.start(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
                import signal, time, pathlib
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                pathlib.Path({str(ready)!r}).touch()
                while True: time.sleep(0.1)
            """),
        ]
    )
    # Wait until the stubborn child has set its handler (a condition, not a guess).
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # Each child leads a process group of its own: the terminal's Ctrl-C does not reach it,
    # only the one signal sent from here.
    assert os.getpgid(polite.pid) == polite.pid != os.getpgid(os.getpid())
    run.stop_all([polite, stubborn])
    assert polite.returncode == -signal.SIGTERM
    assert stubborn.returncode == -signal.SIGKILL


def test_stop_db_stops_the_embedded_server_despite_a_stale_handle(tmp_path):
    pytest.importorskip("pgserver")  # the wheel `make run` starts without DATABASE_URL
    stop_db = load("stop_db")
    data = tmp_path / "pgdata"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    # A process that starts the server and dies without cleaning up, as a killed worker does.
    start = textwrap.dedent(f"""
        import os, signal, pgserver
        pgserver.get_server({str(data)!r}, cleanup_mode=None)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    starter = subprocess.run([sys.executable, "-c", start], env=env, timeout=300)
    # On a busy machine pgserver's own start-up wait may give up before the server is up.
    deadline = time.monotonic() + 120
    while stop_db.server_pid(data) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stop_db.server_pid(data) is not None, f"the throwaway server did not start: {starter}"
    # The handle the dead process left: what kept pgserver's own cleanup from stopping it.
    (data / ".handle_pids.json").write_text(json.dumps([_dead_pid()]))

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "stop_db.py"), str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "Stopped the embedded PostgreSQL" in result.stdout
    assert stop_db.server_pid(data) is None
    again = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "stop_db.py"), str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and "not running" in again.stdout


def _dead_pid() -> int:
    """The pid of a process that has exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
