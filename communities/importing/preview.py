"""Checking a file: from its rows and column mapping to a plan, and from the plan to the
preview staff see before anything is written (what is new, what changes from what to what,
what stays, and the problems grouped so that 3,000 identical ones are one line)."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from communities.importing import cells
from communities.importing.columns import find_header, map_columns
from communities.importing.guard import ImportFileError, too_many_rows
from communities.importing.plan import Plan, Problem
from communities.importing.planning import Planner
from communities.importing.reading import MAX_ROWS, Table
from communities.models import Building, Estate, Household, Stairwell

# Rows offices put under the data: totals, who filled the sheet in, notes.
FOOTER_WORDS = ("合计", "总计", "小计", "填表人", "填报人", "制表", "审核", "备注", "说明", "注:")
EXAMPLES = 5
SHOWN_CHANGES = 200
SHOWN_NEW = 100


def check_file(
    *, user, table: Table, remembered: dict, mapping: dict | None, lock=False, progress=None
) -> Plan:
    """The plan for `table`. `mapping` ({"header_row": n, "targets": [...]}) is what staff set
    in the preview; without it the header row and the targets are found."""
    index = _header_index(table, remembered, mapping)
    header_number, header = table.rows[index]
    columns = map_columns(header, remembered, (mapping or {}).get("targets"))
    data = table.rows[index + 1 :]
    if len(data) > MAX_ROWS:
        raise too_many_rows(MAX_ROWS)
    mapped = [(c.index, c.target) for c in columns if c.target]
    ignored = [c for c in columns if not c.target]
    records, footer, only_ignored, filled = [], [], [], Counter()
    for number, row in data:
        first = next((cells.text(c) for c in row if cells.text(c)), "")
        if first.startswith(FOOTER_WORDS):
            footer.append(number)
            continue
        values = {key: row[i] if i < len(row) else None for i, key in mapped}
        for column in ignored:
            if column.index < len(row) and cells.text(row[column.index]):
                filled[column.index] += 1
        if not any(cells.text(v) for v in values.values()):
            only_ignored.append(number)
            continue
        records.append((number, values))

    planner = Planner(
        user=user,
        columns=columns,
        header_row=header_number,
        lock=lock,
        replace_owners=bool((mapping or {}).get("replace_owners")),
    )
    plan = planner.plan
    plan.ignored_filled = {c.index: filled[c.index] for c in ignored}
    if not any(c.target == "estate" for c in columns):
        plan.problems.append(
            Problem(
                header_number,
                "",
                _(
                    "No column holds the estate's name (小区名称). Assign it in the column "
                    "mapping below."
                ),
            )
        )
        return plan
    if progress:
        progress(0, len(records))
    planner.run(records, progress=(lambda done: progress(done, len(records))) if progress else None)
    if footer:
        plan.warnings.append(
            _("Rows %(rows)s were left out: totals, notes or signatures under the data.")
            % {"rows": _rows(footer)}
        )
    if only_ignored:
        plan.warnings.append(
            _("Rows %(rows)s have values only in ignored columns and were left out.")
            % {"rows": _rows(only_ignored)}
        )
    unused = [c.label for c in ignored if filled[c.index]]
    matched = plan.counts()["unchanged"]["household"]
    if not plan.problems and not plan.writes() and (only_ignored or (unused and not matched)):
        # The silent "imported 24 rows, 0 dwellings": content that goes nowhere is an error.
        # (Rows that match registered dwellings are "nothing changed", with a 序号 column or
        # the like listed as ignored.)
        plan.problems.append(
            Problem(
                0,
                "",
                _(
                    "Nothing in this file would change the registry, yet it has values in "
                    "columns that are ignored: %(columns)s. Assign them in the column mapping "
                    "below, or check that this is the right file."
                )
                % {"columns": "、".join(unused) or "—"},
            )
        )
    if not records and not plan.problems:
        plan.problems.append(Problem(0, "", _("The file has no rows under its header.")))
    return plan


def _header_index(table: Table, remembered: dict, mapping: dict | None) -> int:
    if mapping and mapping.get("header_row"):
        for i, (number, _row) in enumerate(table.rows):
            if number == mapping["header_row"]:
                return i
    index = find_header(table.rows, remembered)
    if index is None:
        raise ImportFileError(
            _(
                "No header row found in the first rows: the sheet needs a row of column names "
                "such as 小区名称, 楼号, 单元号, 室号, 建筑面积. Download the template to see them."
            ),
            row=table.rows[0][0],
        )
    return index


def _rows(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:10])
    return shown + ("…" if len(numbers) > 10 else "")


# ---- the preview as stored on the job and shown on the page ---------------------------------

MODELS = {"estate": Estate, "building": Building, "stairwell": Stairwell, "household": Household}


def _display(model, name: str, value) -> str:
    if name == "owners":
        return "、".join(f"{n} {p}".strip() for n, p in value) or "—"
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _label(model, name: str) -> str:
    if name == "owners":
        return str(_("owners"))
    return str(model._meta.get_field(name).verbose_name)


def group_problems(problems: list[Problem]) -> list[dict]:
    """One entry per (column, kind of problem): its count and its first rows, file-level
    problems first, then in the order of their first row."""
    groups: dict[tuple, list[Problem]] = defaultdict(list)
    for problem in problems:
        groups[(problem.column, problem.summary)].append(problem)
    result = []
    for (column, summary), members in groups.items():
        messages = {p.message for p in members}
        result.append(
            {
                "column": column,
                "message": members[0].message if len(messages) == 1 else summary,
                "count": len(members),
                "first_row": min(p.row for p in members),
                "examples": [
                    {"row": p.row, "place": p.place, "value": p.value, "message": p.message}
                    for p in sorted(members, key=lambda p: p.row)[:EXAMPLES]
                ],
            }
        )
    return sorted(result, key=lambda g: (g["first_row"] > 0, g["first_row"], g["column"]))


def preview_of(plan: Plan, table: Table) -> dict:
    counts = plan.counts()
    changed, new = [], []
    for kind in ("estate", "building", "stairwell", "household"):
        model = MODELS[kind]
        for node in plan.nodes(kind):
            if not node.existing and len(new) < SHOWN_NEW:
                new.append({"kind": kind, "place": str(node.place), "row": node.row})
            if node.existing and node.changes and len(changed) < SHOWN_CHANGES:
                changed.append(
                    {
                        "kind": kind,
                        "place": str(node.place),
                        "row": node.row,
                        "changes": [
                            [
                                _label(model, name),
                                _display(model, name, old),
                                _display(model, name, v),
                            ]
                            for name, (old, v) in node.changes.items()
                        ],
                    }
                )
    filled = plan.ignored_filled
    return {
        "sheet": table.sheet,
        "header_row": plan.header_row,
        "rows": plan.rows,
        "columns": [
            {
                "index": c.index,
                "letter": c.letter,
                "header": c.header,
                "target": c.target,
                "source": c.source,
                "filled": filled.get(c.index, 0),
            }
            for c in plan.columns
        ],
        "counts": counts,
        "writes": plan.writes(),
        "new": new,
        "changed": changed,
        "changed_total": sum(counts["changed"].values()),
        "new_total": sum(v for k, v in counts["new"].items() if k != "owner"),
        "errors": group_problems(plan.problems),
        "error_count": len(plan.problems),
        "warnings": [str(w) for w in plan.warnings],
        "unnamed_owners": plan.unnamed_owners,
    }
