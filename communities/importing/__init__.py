"""Registry import and export: the office's own spreadsheets in, the registry out in the
template's layout (and back in again as "nothing changed").

By job:
- reading.py (with guard.py): the upload to rows, bounded in rows, columns and memory;
- columns.py, cells.py: the header row, the columns' targets, and each cell as offices write it;
- matching.py, planning.py (with rows.py, plan.py): rows against the registry → a plan of what
  is new, what changes and what is wrong; preview.py: the plan as staff see it;
- applying.py: the plan written in one transaction, one change set in the history;
- jobs.py: the services the pages and Celery tasks call (inline for short files);
- export.py: the template and the registry export.
"""

from dataclasses import dataclass, field

from communities.importing.columns import BY_KEY, COLUMNS  # noqa: F401
from communities.importing.export import import_template, registry_export  # noqa: F401
from communities.importing.guard import ImportFileError  # noqa: F401
from communities.importing.plan import Problem


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    preview: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def registry_import(*, user, file, filename: str, mapping: dict | None = None) -> ImportResult:
    """Check and, when every row is right, write a file in one go, without a job or a
    preview step (for scripts and tests; the pages go through jobs.py)."""
    from django.db import transaction

    from communities.importing.applying import apply_plan
    from communities.importing.jobs import import_mapping_for
    from communities.importing.preview import check_file, preview_of
    from communities.importing.reading import read_table

    result = ImportResult()
    try:
        table = read_table(file.read(), filename)
        with transaction.atomic():
            plan = check_file(
                user=user,
                table=table,
                remembered=import_mapping_for(user=user),
                mapping=mapping,
                lock=True,
            )
            result.rows, result.preview = plan.rows, preview_of(plan, table)
            result.errors = sorted(plan.problems, key=lambda p: (p.row, p.column))
            if plan.ok:
                counts = apply_plan(plan=plan, user=user, reason=filename or "import")
                result.created = _plural(counts["created"])
                result.updated = _plural(counts["updated"])
    except ImportFileError as exc:
        result.errors = [Problem(exc.row, "", str(exc))]
    return result


def _plural(counts: dict) -> dict:
    names = ("estate", "building", "stairwell", "household", "owner")
    return {f"{name}s": counts.get(name, 0) for name in names}
