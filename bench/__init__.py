"""Benchmarks, each measured beside its floor: the least the same work could cost (the same SQL
run straight on a cursor, a bare template render of the same rows). `make bench` seeds a
city-scale registry into its own database (never the demo database) and prints, for every
benchmark, the median figure, the floor measured in the same run and their ratio.

Adding a benchmark (in `bench/<topic>.py` or in an app's own `<app>/bench.py`):

    from bench import benchmark

    @benchmark("inspections: point list API, 50 rows")
    def point_list(ctx):
        return ctx.api_vs_sql("/api/v1/inspections/points/?limit=50", user="bureau")

`ctx` is a `bench.harness.Context`: demo users by name, a logged-in test client, `median_ms()`,
`api_vs_sql()` and `page_vs_render()`; a benchmark returns a `Result` (or None to skip, with
`ctx.skip("why")`)."""

from dataclasses import dataclass, field

REGISTRY: list["Benchmark"] = []


@dataclass
class Result:
    figure_ms: float
    floor_ms: float
    runs: int
    note: str = ""
    details: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.figure_ms / self.floor_ms if self.floor_ms else float("inf")


@dataclass
class Benchmark:
    name: str
    func: object
    module: str


def benchmark(name: str):
    """Register `func(ctx) -> Result | None` under `name`."""

    def register(func):
        REGISTRY.append(Benchmark(name=name, func=func, module=func.__module__))
        return func

    return register
