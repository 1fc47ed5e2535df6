"""The bureau's statistics API: each topic for the whole city (the largest breakdown) and its
weekly series, against the floor of the very SQL it ran. The figures are one grouped query per
topic (`<app>.statistics.*_queryset`), so the ratio is the cost of the stack around it."""

from bench import benchmark

BUREAU = "bureau"
TOPICS = (
    "programme-coverage",
    "project-status",
    "completion",
    "investment",
    "households-benefited",
    "overdue",
    "consultations",
    "inspections",
    "elevators",
)
WEEKLY = ("completion", "overdue", "inspections")


def _register(topic: str, url: str, label: str):
    @benchmark(f"statistics: {label}, city bureau")
    def run(ctx):
        return ctx.api_vs_sql(url, user=BUREAU)

    run.__name__ = f"statistics_{topic.replace('-', '_')}{'_weekly' if 'weekly' in url else ''}"
    return run


for _topic in TOPICS:
    _register(_topic, f"/api/v1/statistics/{_topic}/", _topic)
for _topic in WEEKLY:
    _register(_topic, f"/api/v1/statistics/{_topic}/weekly/?weeks=12", f"{_topic}, 12 weeks")
