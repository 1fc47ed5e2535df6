"""Measuring: a context of helpers every benchmark gets, and the floors it compares against."""

import statistics
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection
from django.template import Context as TemplateContext
from django.template import Engine
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import Result


class Skip(Exception):
    """Raised by `ctx.skip()`: the benchmark cannot run here (a page not built yet, no data)."""


class Context:
    def __init__(self, *, runs: int, warmup: int = 3):
        self.runs = runs
        self.warmup = warmup
        self._clients: dict[str, Client] = {}

    # --- what a benchmark needs -----------------------------------------------------------

    def skip(self, reason: str):
        raise Skip(reason)

    def user(self, username: str):
        return get_user_model().objects.get(username=username)

    def client(self, username: str) -> Client:
        """A test client logged in (a real session row) as `username`."""
        if username not in self._clients:
            client = Client()
            client.force_login(self.user(username))
            self._clients[username] = client
        return self._clients[username]

    def median_ms(self, func: Callable[[], object], runs: int | None = None) -> float:
        for _ in range(self.warmup):
            func()
        samples = []
        for _ in range(runs or self.runs):
            started = time.perf_counter()
            func()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    def get_ok(self, username: str, url: str):
        response = self.client(username).get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} as {username} answered {response.status_code}")
        return response

    def captured_sql(self, func: Callable[[], object]) -> list[str]:
        """The SQL statements `func` runs, as sent to PostgreSQL."""
        with CaptureQueriesContext(connection) as captured:
            func()
        return [q["sql"] for q in captured.captured_queries]

    def raw_sql_ms(self, statements: list[str]) -> float:
        """Median time to run `statements` straight on a cursor and fetch every row."""

        def run():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()

        return self.median_ms(run)

    # --- the usual pairs ------------------------------------------------------------------

    def api_vs_sql(self, url: str, *, user: str) -> Result:
        """An API GET through the whole Django stack (middleware, auth, scoping, filters,
        serializers, JSON) against the floor: the very SQL it ran, straight on a cursor."""
        response = self.get_ok(user, url)
        statements = self.captured_sql(lambda: self.get_ok(user, url))
        figure = self.median_ms(lambda: self.get_ok(user, url))
        floor = self.raw_sql_ms(statements)
        rows = (
            len(response.json().get("results", []))
            if response.get("Content-Type", "").startswith("application/json")
            else None
        )
        return Result(
            figure,
            floor,
            self.runs,
            note=f"{len(statements)} queries, {rows} rows",
            details={"url": url, "user": user, "queries": len(statements)},
        )

    def page_vs_render(
        self, url: str, *, user: str, rows: list, template: str, context: dict | None = None
    ) -> Result:
        """A staff page through the whole stack against the floor: its SQL on a cursor plus a
        bare render of `template` (a template string) over the same `rows`."""
        self.get_ok(user, url)
        statements = self.captured_sql(lambda: self.get_ok(user, url))
        figure = self.median_ms(lambda: self.get_ok(user, url))
        bare = Engine(libraries={}).from_string(template)
        data = TemplateContext({"rows": rows, **(context or {})})
        render_ms = self.median_ms(lambda: bare.render(data))
        sql_ms = self.raw_sql_ms(statements)
        return Result(
            figure,
            sql_ms + render_ms,
            self.runs,
            note=f"{len(statements)} queries, {len(rows)} rows; floor = SQL "
            f"{sql_ms:.1f} + render {render_ms:.1f} ms",
            details={
                "url": url,
                "user": user,
                "queries": len(statements),
                "floor_sql_ms": sql_ms,
                "floor_render_ms": render_ms,
            },
        )
