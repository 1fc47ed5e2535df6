"""Elevator retrofits in the bureau's statistics: `selectors.retrofit_statistics` laid onto the
breakdown of `communities.statistics` (the next level of the tree), for the statistics API and
the dashboard."""

from communities.statistics import Breakdown
from elevators import selectors

FIGURES = (
    "retrofits",
    "consent_reached",
    "in_service",
    "subsidy_committed",
    "residents_share",
    "residents_paid",
)


def retrofit_figures(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    """Retrofits, past consent, in service, subsidy committed, residents' share and payments per
    child of the region, with the count of retrofits in each status over the whole region.
    `year`: retrofits created that year; `programme`: on its estates."""
    stats = selectors.retrofit_statistics(
        user=user,
        region=breakdown.region,
        by=breakdown.child_kind,
        programme=programme,
        year=year,
    )
    rows = [{**row, "child": row["region_id"]} for row in stats["per_region"]]
    return {**breakdown.figures(rows, FIGURES), "by_status": stats["by_status"]}
