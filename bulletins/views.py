"""The dashboard (总览): the bureau's and the districts' view of the programme over the
caller's scope, on the same selectors as the statistics API, with trend charts drawn on the
server (`renovation.charts`) and links to the same figures as CSV."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from bulletins import selectors
from inspections import point_map
from projects import battle_map
from projects.selectors import programmes_visible
from renovation.charts import Series, bar_chart, line_chart
from renovation.views import StaffMixin


class DashboardFilterForm(forms.Form):
    region = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All"),
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = list(programmes_visible(user=user).order_by("-year", "name", "pk"))
        self.fields["programme"].queryset = programmes_visible(user=user)
        self.fields["programme"].choices = [("", _("All"))] + [(p.pk, str(p)) for p in programmes]
        years = sorted({p.year for p in programmes}, reverse=True)
        self.fields["year"].choices = [("", _("All"))] + [(y, y) for y in years]


def _week_label(start) -> str:
    return start.strftime("%m-%d")


def trend_charts(figures: dict) -> list[tuple[str, str]]:
    """The dashboard's charts, each (title, SVG): completion per child, three weekly trends."""
    weeks = [_week_label(start) for start, _day in figures["weeks"]]
    completion = figures["completion_weekly"]
    points = figures["inspections_weekly"]
    overdue = figures["overdue_weekly"]
    rows = figures["completion"]["rows"]
    charts = [
        (
            bar_chart,
            _("Projects and completed, by %(kind)s") % {"kind": figures["breakdown"].child_label},
            [row["name"] for row in rows],
            [
                Series(_("Projects"), [row["projects"] for row in rows]),
                Series(_("Completed"), [row["completed"] for row in rows]),
            ],
        ),
        (
            line_chart,
            _("Households benefited, week by week"),
            weeks,
            [Series(_("Households benefited"), [w["households_benefited"] for w in completion])],
        ),
        (
            line_chart,
            _("Inspection points found and remedied, week by week"),
            weeks,
            [
                Series(_("Found"), [w["found"] for w in points]),
                Series(_("Rectified"), [w["rectified"] for w in points]),
                Series(_("Past deadline"), [w["past_deadline"] for w in points]),
            ],
        ),
        (
            line_chart,
            _("Overdue milestones and strikes, week by week"),
            weeks,
            [
                Series(_("Overdue milestones"), [w["overdue_milestones"] for w in overdue]),
                Series(_("Strikes"), [w["strikes"] for w in overdue]),
            ],
        ),
    ]
    return [
        (title, draw(title=title, labels=labels, series=series))
        for draw, title, labels, series in charts
    ]


class DashboardView(StaffMixin, TemplateView):
    """Headline figures, the tree of the next two levels with progress bars, the overdue list
    and trend charts over `?region=` (default: the caller's node), `programme` and `year`."""

    template_name = "bulletins/dashboard.html"
    # The page's map slot: the region's projects and inspection points on the shared map
    # (renovation.maps); the template gets the page's context and `map_layers`.
    map_template = "bulletins/_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DashboardFilterForm(self.request.GET or None, user=self.request.user)
        filters = form.cleaned_data if form.is_valid() else {}
        figures = selectors.dashboard(
            user=self.request.user,
            region_id=filters.get("region") or _region_id(self.request.GET.get("region")),
            programme=filters.get("programme"),
            year=filters.get("year"),
        )
        query = self.request.GET.copy()
        query.pop("region", None)
        context.update(
            figures,
            form=form,
            charts=trend_charts(figures),
            filter_query=query.urlencode(),
            csv_query=_csv_query(figures["region"], filters),
            map_template=self.map_template,
            map_layers=map_layers(user=self.request.user, region=figures["region"]),
            # Below a community the rows are estates: nothing further down to open.
            drill=figures["breakdown"].child_kind != "estate",
        )
        return context


def map_layers(*, user, region) -> list[dict]:
    """The map's layers for `region`: its projects (the battle map's markers, narrowed to the
    district or street that holds it) and its inspection points."""
    streets = {r.pk for r in battle_map.battle_map_regions(user=user)}
    narrow = next((pk for pk in (region.pk, region.parent_id) if pk in streets), None)
    projects = reverse("projects:battle-map-markers")
    if narrow is not None:
        projects += f"?region={narrow}"
    points = reverse("inspections:point-markers") + f"?region_id={region.pk}"
    return [
        battle_map.battle_map_layer(url=projects),
        point_map.point_map_layer(url=points),
    ]


def _region_id(value) -> int | None:
    # A region that is not a number falls back to the user's own node (the form says why).
    return int(value) if value and value.isdigit() else None


def _csv_query(region, filters) -> str:
    params = [f"region={region.pk}"]
    if filters.get("programme"):
        params.append(f"programme={filters['programme'].pk}")
    if filters.get("year"):
        params.append(f"year={filters['year']}")
    return "&".join(params + ["format=csv"])
