"""`manage.py seed_demo`: the demo city, its staff accounts and every app's demo data; prints
the demo logins (also when there was nothing to do, because `make run` shows them at start).

Each app offers its part as `<app>/demo.py`'s `seed_demo(*, stdout)`: the registry's
(`communities.demo`) first, since everything stands on it, then the others in INSTALLED_APPS
order. The registry also offers the flush, the scale-up for benchmarks and the demo logins."""

import importlib
import importlib.util
import time
import traceback

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communities import demo as registry

REGISTRY = "communities"


class Command(BaseCommand):
    help = "Load the deterministic demo city (and each app's demo data); print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) if any region exists.",
        )
        parser.add_argument(
            "--households",
            type=int,
            default=0,
            metavar="N",
            help="Add generated estates until N households exist (benchmarks).",
        )
        parser.add_argument(
            "--registry-only",
            action="store_true",
            help="Load the registry and staff only, not the other apps' demo data.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="First delete the registry, everything that hangs on it in "
            "other apps, and the demo accounts.",
        )

    def handle(
        self, *args, if_empty=False, households=0, flush=False, registry_only=False, **options
    ):
        if households < 0:
            raise CommandError("--households must be zero or more.")
        if flush:
            registry.flush_registry()
            self.stdout.write("Deleted the registry and the demo accounts.")
        started = time.monotonic()
        if if_empty and registry.has_data():
            self.stdout.write("The registry already holds data; not loading the demo city again.")
        else:
            registry.seed_demo(stdout=self.stdout)
            if not registry_only:
                self.seed_apps()
        if households:
            added = registry.scale_up(households=households, stdout=self.stdout)
            if not added:
                self.stdout.write(f"At least {households} households exist already.")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
        self.print_logins()

    def seed_apps(self):
        """Each installed app's `<app>.demo.seed_demo(stdout=...)`, after the registry. One
        app's failure is reported and rolled back (its own savepoint) without costing the
        others theirs: `make run` should still come up with a demo city."""
        for config in apps.get_app_configs():
            if config.name == REGISTRY:
                continue
            module_name = f"{config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            seed = getattr(importlib.import_module(module_name), "seed_demo", None)
            if not callable(seed):
                continue
            self.stdout.write(f"Demo data for {config.label} …")
            try:
                with transaction.atomic():
                    seed(stdout=self.stdout)
            except Exception:  # noqa: BLE001 - any failure of another app's demo is reported
                self.stderr.write(
                    f"The demo data of {config.label} failed and was left out:\n"
                    + traceback.format_exc()
                )

    def print_logins(self):
        rows = registry.staff_table()
        if not rows:
            self.stdout.write("No demo accounts in this database.")
            return
        header = ("username", "password", "role", "region")
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
        line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write(f"\nDemo logins ({registry.site_url()}/accounts/login/):")
        self.stdout.write(line)
        for i, row in enumerate([header, *rows]):
            cells = [
                f" {cell}{' ' * (w - _width(cell))} " for cell, w in zip(row, widths, strict=True)
            ]
            self.stdout.write("|" + "|".join(cells) + "|")
            if i == 0:
                self.stdout.write(line)
        self.stdout.write(line)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
