"""Inspection points on the shared map (renovation.maps): colours by where a point stands in
the workflow, and the points as GeoJSON. A point without its own location is drawn at its
estate's, marked as approximate; one with neither is counted, not drawn."""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import Status
from inspections.selectors import points_with_overdue_flag
from renovation import maps

S = Status
# (legend label, colour, statuses): one colour per stage of the workflow.
STAGES = [
    (S.FOUND.label, "#1d5fa8", [S.FOUND]),
    (gettext_lazy("Rectification under way"), "#e0a100", [S.NOTICE_SERVED, S.DEMOLITION_AGREED]),
    (gettext_lazy("Overdue or escalated"), "#b3261e", [S.OVERDUE, S.INTERVIEWED, S.CASE_FILED]),
    (
        gettext_lazy("Remedied, to verify"),
        "#14919b",
        [S.RECTIFIED_BY_PARTY, S.DEMOLISHED, S.ENFORCED],
    ),
    (S.VERIFIED.label, "#2f7d32", [S.VERIFIED]),
    (S.CLOSED.label, "#9aa5b1", [S.CLOSED]),
]
# The most markers one map draws.
MARKER_LIMIT = 5000


def point_map_layer(*, url: str) -> dict:
    """The points' layer of the shared map, its markers from `url`."""
    return {
        "kind": "point",
        "url": url,
        "title": _("Inspection points by status"),
        "colours": {str(s): colour for _label, colour, statuses in STAGES for s in statuses},
        "legend": [(str(label), colour) for label, colour, _statuses in STAGES],
        "overdue_label": _("Red ring: past its deadline"),
    }


def point_markers(*, points: QuerySet) -> dict:
    """`points` (already scoped and filtered) as GeoJSON with what a popup shows: two queries,
    the located points and the count of those without any location."""
    located = Q(latitude__isnull=False, longitude__isnull=False) | Q(
        estate__latitude__isnull=False, estate__longitude__isnull=False
    )
    rows = list(
        points_with_overdue_flag(points=points.filter(located))
        .order_by("-found_at", "-pk")
        .values(
            "pk",
            "status",
            "is_overdue",
            "location",
            "latitude",
            "longitude",
            "deadline",
            "category__name",
            "estate__name",
            "estate__latitude",
            "estate__longitude",
        )[: MARKER_LIMIT + 1]
    )
    labels = dict(Status.choices)
    features = []
    for row in rows[:MARKER_LIMIT]:
        own = row["latitude"] is not None and row["longitude"] is not None
        lines = [row["estate__name"]]
        if row["deadline"]:
            lines.append(_("Deadline %(date)s") % {"date": row["deadline"].isoformat()})
        if not own:
            lines.append(_("Drawn at the estate: the point has no location of its own."))
        features.append(
            maps.point_feature(
                row["latitude"] if own else row["estate__latitude"],
                row["longitude"] if own else row["estate__longitude"],
                id=row["pk"],
                title=f"{row['category__name']} · {row['location']}",
                url=reverse("inspections:point-detail", args=[row["pk"]]),
                status=row["status"],
                status_label=str(labels[row["status"]]),
                overdue=bool(row["is_overdue"]),
                approximate=not own,
                lines=lines,
            )
        )
    without = points.exclude(located).count()
    return maps.feature_collection(
        features, without_location=without, truncated=len(rows) > MARKER_LIMIT
    )
