"""Registry benchmarks: the bureau's city-wide estate list (API and staff page) and one
estate's dwellings through the API."""

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from bench import benchmark
from communities.models import Estate
from communities.selectors import estates_with_totals
from renovation import access

BUREAU = "bureau"


@benchmark("api: fixed cost of an authenticated request (regions, 1 row)")
def api_fixed_cost(ctx):
    return ctx.api_vs_sql("/api/v1/regions/?limit=1", user=BUREAU)


@benchmark("registry: estate list API, 50 rows, city bureau")
def estate_list_api(ctx):
    return ctx.api_vs_sql("/api/v1/estates/?limit=50", user=BUREAU)


@benchmark("registry: estate list page, city bureau")
def estate_list_page(ctx):
    try:
        url = reverse("communities:estate-list")
    except NoReverseMatch:
        return ctx.skip("the staff page communities:estate-list does not exist yet")
    from communities.views import EstateListView

    per_page = getattr(EstateListView, "paginate_by", None) or 50
    user = ctx.user(BUREAU)
    rows = list(
        estates_with_totals(estates=access.scope_queryset(user, Estate.objects.all()))
        .select_related("community__parent")
        .order_by("name", "pk")[:per_page]
    )
    template = (
        '<table>{% for e in rows %}<tr><td><a href="/communities/estates/{{ e.pk }}/">{{ e.name }}'
        "</a><br>{{ e.address }}</td><td>{{ e.community.name }}<br>{{ e.community.parent.name }}</td>"
        "<td>{{ e.year_built }}</td><td>{{ e.get_management_type_display }}</td>"
        "<td>{{ e.building_count }}</td><td>{{ e.household_count }}</td>"
        "<td>{{ e.total_area }}</td></tr>{% endfor %}</table>"
    )
    return ctx.page_vs_render(url, user=BUREAU, rows=rows, template=template)


@benchmark("registry: household list API of one estate, 50 rows, city bureau")
def household_list_api(ctx):
    estate = (
        Estate.objects.annotate(n=Count("buildings__stairwells__households"))
        .order_by("-n", "pk")
        .first()
    )
    if estate is None:
        return ctx.skip("no estates")
    return ctx.api_vs_sql(f"/api/v1/households/?estate_id={estate.pk}&limit=50", user=BUREAU)
