"""The frozen electorate: counted against the snapshot taken when voting opened, whatever the
registry does afterwards; a correction while voting is open is an explicit, recorded re-freeze."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, Sum
from django.utils import translation

from communities.models import Household
from consultations import services
from consultations.electorate import electorate_diff, electorate_refreeze
from consultations.models import Ballot, ElectorateEntry, ElectorateFreeze
from consultations.tally import tally_compute
from tests.communities.factories import HouseholdFactory
from tests.conftest import make_stairwell
from tests.consultations.factories import make_consultation, vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def nine(tree):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=3)
    return stairwell, list(Household.objects.filter(stairwell=stairwell).order_by("pk"))


def test_a_dwelling_added_after_closing_does_not_turn_a_passed_major_matter(tree):
    # 6 of 9 take part and agree: exactly 2/3 participation, so one more dwelling would fail it.
    stairwell, hs = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    for h in hs[:6]:
        vote(c, h, "yes")
    services.consultation_close(consultation=c)
    assert tally_compute(consultation=c).passed is True

    HouseholdFactory(stairwell=stairwell, floor=3, room_number="304", floor_area=Decimal("60"))
    tally = tally_compute(consultation=c)
    assert tally.electorate_count == 9
    assert tally.passed is True


def test_opening_freezes_every_dwelling_with_its_area_and_one_owner_vote(tree, alice):
    stairwell, hs = nine(tree)
    hs[0].floor_area = Decimal("88.50")
    hs[0].save(update_fields=["floor_area"])
    c = make_consultation(tree.estate_a, stairwell=stairwell, open_it=False)
    services.consultation_open(consultation=c, by=alice)
    entries = {e.household_id: e for e in ElectorateEntry.objects.filter(consultation=c)}
    assert set(entries) == {h.pk for h in hs}
    assert entries[hs[0].pk].floor_area == Decimal("88.50")
    assert {e.owner_votes for e in entries.values()} == {1}
    [freeze] = c.freezes.all()
    assert (freeze.kind, freeze.frozen_by, freeze.dwellings) == ("opening", alice, 9)
    assert freeze.floor_area == Decimal("88.50") + 8 * Decimal("60.00")


def test_an_area_corrected_in_the_registry_after_opening_does_not_change_the_count(tree):
    stairwell, hs = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    vote(c, hs[0], "yes")
    hs[0].floor_area = Decimal("300.00")
    hs[0].save(update_fields=["floor_area"])
    tally = tally_compute(consultation=c)
    assert (tally.electorate_area, tally.participating_area) == (Decimal("540"), Decimal("60"))


def test_a_dwelling_added_after_opening_cannot_vote_and_is_told_why(tree):
    stairwell, hs = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    late = HouseholdFactory(stairwell=stairwell, floor=3, room_number="304")
    with pytest.raises(ValidationError, match="not among the dwellings frozen") as refused:
        vote(c, late, "yes")
    assert "re-freeze" in refused.value.messages[0]
    assert not Ballot.objects.filter(household=late).exists()


def test_the_tally_says_when_its_electorate_was_frozen(tree):
    stairwell, _ = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    assert tally_compute(consultation=c).electorate_frozen_at == c.freezes.get().frozen_at


def test_a_refreeze_needs_a_reason(tree, alice):
    stairwell, _ = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    HouseholdFactory(stairwell=stairwell, floor=3, room_number="304")
    with pytest.raises(ValidationError, match="Say why") as refused:
        electorate_refreeze(consultation=c, reason="  ", by=alice)
    assert "reason" in refused.value.message_dict
    assert c.electorate.count() == 9


def test_a_refreeze_brings_the_registry_in_and_the_history_keeps_what_changed(tree, alice):
    stairwell, hs = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    vote(c, hs[8], "yes")
    late = HouseholdFactory(stairwell=stairwell, floor=3, room_number="304")
    hs[0].floor_area = Decimal("75.00")
    hs[0].save(update_fields=["floor_area"])
    # The dwelling moves to another stairwell (a registry correction): it leaves this scope.
    other = make_stairwell(tree.estate_a, building_number="2", floors=3, per_floor=1)
    Household.objects.filter(pk=hs[8].pk).update(stairwell=other, room_number="309")

    diff = electorate_diff(consultation=c)
    assert [r["label"] for r in diff.added] == ["1-1-304"]
    assert diff.removed_ballots == 1
    freeze = electorate_refreeze(consultation=c, reason="台账漏登304室", by=alice)

    assert (freeze.kind, freeze.reason, freeze.frozen_by) == ("refreeze", "台账漏登304室", alice)
    assert [r["label"] for r in freeze.changes["added"]] == ["1-1-304"]
    assert [r["id"] for r in freeze.changes["removed"]] == [hs[8].pk]
    assert freeze.changes["area_changed"] == [
        {"id": hs[0].pk, "label": "1-1-101", "area": "75.00", "old_area": "60.00"}
    ]
    totals = c.electorate.aggregate(n=Count("id"), area=Sum("floor_area"))
    assert (
        (freeze.dwellings, freeze.floor_area)
        == (totals["n"], totals["area"])
        == (
            9,
            Decimal("555.00"),
        )
    )
    vote(c, late, "yes")  # the added dwelling may vote now
    tally = tally_compute(consultation=c)
    # The moved dwelling's ballot stays in the history but no longer counts.
    assert tally.participating_count == 1 and Ballot.objects.filter(household=hs[8]).exists()
    assert [f.kind for f in c.freezes.order_by("pk")] == ["opening", "refreeze"]


def test_nothing_re_freezes_after_voting_has_closed(tree, alice):
    stairwell, _ = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    services.consultation_close(consultation=c)
    HouseholdFactory(stairwell=stairwell, floor=3, room_number="304")
    with pytest.raises(ValidationError, match="only while voting is open"):
        electorate_refreeze(consultation=c, reason="补录", by=alice)


def test_a_refreeze_with_nothing_to_change_is_refused(tree, alice):
    stairwell, _ = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError, match="nothing to re-freeze"):
        electorate_refreeze(consultation=c, reason="核对", by=alice)
    assert c.freezes.count() == 1


def test_the_database_refuses_a_refreeze_without_a_reason(tree):
    stairwell, _ = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(IntegrityError), transaction.atomic():
        ElectorateFreeze.objects.create(
            consultation=c, kind="refreeze", dwellings=9, owner_votes=9, floor_area=540
        )


def test_a_frozen_dwelling_cannot_be_deleted_from_the_registry(tree):
    stairwell, hs = nine(tree)
    make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ProtectedError):
        hs[0].delete()


def test_the_migration_freezes_consultations_opened_before_the_snapshot(tree):
    # As the data migration finds them: opened, without entries or freezes.
    stairwell, hs = nine(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    draft = make_consultation(tree.estate_a, stairwell=stairwell, open_it=False)
    c.electorate.all().delete()
    c.freezes.all().delete()
    migration = importlib.import_module("consultations.migrations.0003_freeze_opened_consultations")
    migration.freeze_existing(django_apps, None)
    assert c.electorate.count() == 9 and not draft.electorate.exists()
    freeze = c.freezes.get()
    assert (freeze.kind, freeze.dwellings, freeze.floor_area) == ("migration", 9, Decimal("540"))
    assert "before" in freeze.reason
    migration.freeze_existing(django_apps, None)  # twice is harmless
    assert c.freezes.count() == 1
