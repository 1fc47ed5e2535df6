import io

import pytest

from communities.models import Region
from projects import demo
from projects.models import Complaint, Programme, Project, Strike
from tests.communities.factories import EstateFactory, RegionFactory
from tests.conftest import make_stairwell


@pytest.fixture
def demo_city(db):
    city = RegionFactory(name="焕新市", level=Region.Level.CITY)
    district = RegionFactory(name="徐汇区", level=Region.Level.DISTRICT, parent=city)
    street = RegionFactory(name="斜土街道", level=Region.Level.SUBDISTRICT, parent=district)
    for n, (name, *_rest) in enumerate(demo.PLAN):
        community = RegionFactory(name=f"居委{n}", level=Region.Level.COMMUNITY, parent=street)
        community.refresh_from_db()
        estate = EstateFactory(name=name, community=community)
        if n < 2:
            make_stairwell(estate, floors=3, per_floor=2)
    return city


def test_the_demo_has_every_status_overdue_milestones_and_complaints(demo_city):
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    programme = Programme.objects.get(name="2024年综合改造一期")
    statuses = set(programme.projects.values_list("status", flat=True))
    assert statuses == set(Project.Status.values)
    assert Strike.objects.exists()
    assert Complaint.objects.filter(resolved_on__isnull=True).exists()
    assert Project.objects.get(estate__name="日晖六村").households_covered == 6
    demo.seed_demo(stdout=out)  # a second run skips
    assert Programme.objects.filter(name="2024年综合改造一期").count() == 1
    assert "skipped" in out.getvalue()


def test_the_demo_skips_gracefully_without_the_city(db):
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    assert "skipped" in out.getvalue() and not Programme.objects.exists()
