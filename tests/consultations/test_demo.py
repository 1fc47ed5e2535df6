import io

import pytest

from consultations.models import Ballot, Consultation


@pytest.mark.django_db
def test_the_demo_seeds_three_consultations_once_and_prints_a_resident_link():
    from communities import demo as registry
    from consultations import demo

    registry.seed_demo(stdout=io.StringIO())
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    demo.seed_demo(stdout=io.StringIO())
    statuses = dict(Consultation.objects.values_list("kind", "status"))
    assert statuses == {"decision": "open", "survey": "publicity", "satisfaction": "closed"}
    assert Ballot.objects.filter(channel="paper").exists()
    assert "/consultations/r/" in out.getvalue()


@pytest.mark.django_db
def test_the_demo_skips_missing_estates():
    from consultations import demo

    out = io.StringIO()
    demo.seed_demo(stdout=out)
    assert "missing" in out.getvalue() and not Consultation.objects.exists()
