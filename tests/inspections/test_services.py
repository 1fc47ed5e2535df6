"""The rectification workflow: every allowed and refused transition, deadlines, the overdue
check with a fixed clock, photos and their metadata."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from inspections import services
from inspections.models import Photo, Point, Status, Step
from inspections.services import TRANSITIONS
from renovation.images import read_gps
from tests.inspections.factories import NOW, PointFactory, category, jpeg, not_an_image

TODAY = date(2026, 3, 10)
S = Status

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
REFUSED = [
    (source, target)
    for source in S.values
    for target in S.values
    if target not in TRANSITIONS[source]
]


def extras_for(target, point):
    """What each step needs to be acceptable, so that only the table decides."""
    kwargs = {}
    if target == S.CASE_FILED:
        kwargs["case_number"] = "徐城管立字〔2026〕第001号"
    if target == S.VERIFIED:
        kwargs["photos"] = [jpeg("after.jpg")]
    return kwargs


def point_in(status, estate, user, **kwargs):
    deadline = (
        TODAY - timedelta(days=1)
        if status in (S.NOTICE_SERVED, S.DEMOLITION_AGREED, S.OVERDUE)
        else None
    )
    case_number = "案-1" if status in (S.CASE_FILED, S.ENFORCED) else ""
    return PointFactory(
        estate=estate,
        status=status,
        deadline=deadline,
        case_number=case_number,
        found_by=user,
        **kwargs,
    )


def test_the_table_covers_every_status_and_closed_is_final():
    assert set(TRANSITIONS) == set(S.values)
    assert TRANSITIONS[S.CLOSED] == ()
    assert all(target in S.values for targets in TRANSITIONS.values() for target in targets)


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}->{t}" for s, t in ALLOWED])
def test_every_allowed_transition_is_taken_and_recorded(tree, bob, source, target):
    point = point_in(source, tree.estate_a, bob)
    step = services.point_transition(
        point=point,
        actor=bob,
        to_status=target,
        note="巡查记录",
        now=NOW,
        today=TODAY,
        **extras_for(target, point),
    )
    point.refresh_from_db()
    assert point.status == target
    assert (step.from_status, step.to_status, step.actor, step.at, step.note) == (
        source,
        target,
        bob,
        NOW,
        "巡查记录",
    )


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=[f"{s}->{t}" for s, t in REFUSED])
def test_every_transition_out_of_order_is_refused_and_nothing_changes(tree, bob, source, target):
    point = point_in(source, tree.estate_a, bob)
    with pytest.raises(ValidationError) as info:
        services.point_transition(
            point=point,
            actor=bob,
            to_status=target,
            now=NOW,
            today=TODAY,
            **extras_for(target, point),
        )
    assert "cannot become" in str(info.value.message_dict["to_status"])
    point.refresh_from_db()
    assert point.status == source
    assert not Step.objects.filter(point=point).exists()
    assert not Photo.objects.filter(point=point).exists()


def test_serving_a_notice_defaults_the_deadline_to_the_categorys_days(tree, bob):
    structure = PointFactory(estate=tree.estate_a, category=category("rooftop_addition"))
    hazard = PointFactory(estate=tree.estate_a, category=category("flying_lead_charging"))
    services.point_transition(
        point=structure, actor=bob, to_status=S.NOTICE_SERVED, today=TODAY, now=NOW
    )
    step = services.point_transition(
        point=hazard, actor=bob, to_status=S.NOTICE_SERVED, today=TODAY, now=NOW
    )
    assert structure.deadline == date(2026, 3, 25)
    assert hazard.deadline == date(2026, 3, 17)
    assert step.deadline == date(2026, 3, 17)


def test_an_officer_may_set_the_deadline_but_not_in_the_past(tree, bob):
    point = PointFactory(estate=tree.estate_a)
    with pytest.raises(ValidationError) as info:
        services.point_transition(
            point=point,
            actor=bob,
            to_status=S.NOTICE_SERVED,
            deadline=date(2026, 3, 9),
            today=TODAY,
            now=NOW,
        )
    assert "2026-03-09 is in the past" in info.value.message_dict["deadline"][0]
    point.refresh_from_db()
    assert point.status == S.FOUND and point.deadline is None
    services.point_transition(
        point=point, actor=bob, to_status=S.NOTICE_SERVED, deadline=TODAY, today=TODAY, now=NOW
    )
    assert point.deadline == TODAY


def test_a_point_is_overdue_only_after_its_deadline_day(tree, bob):
    point = PointFactory(estate=tree.estate_a, status=S.NOTICE_SERVED, deadline=TODAY)
    assert not services.is_overdue(point, today=TODAY)
    assert services.is_overdue(point, today=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="has not passed"):
        services.point_transition(point=point, actor=bob, to_status=S.OVERDUE, today=TODAY, now=NOW)
    services.point_transition(
        point=point, actor=bob, to_status=S.OVERDUE, today=TODAY + timedelta(days=1), now=NOW
    )
    assert point.status == S.OVERDUE


def test_the_daily_check_marks_passed_deadlines_once(tree, bob):
    late = PointFactory(
        estate=tree.estate_a, status=S.NOTICE_SERVED, deadline=TODAY - timedelta(days=1)
    )
    late_demolition = PointFactory(
        estate=tree.estate_b, status=S.DEMOLITION_AGREED, deadline=TODAY - timedelta(days=3)
    )
    due_today = PointFactory(estate=tree.estate_a, status=S.NOTICE_SERVED, deadline=TODAY)
    done = PointFactory(
        estate=tree.estate_a, status=S.RECTIFIED_BY_PARTY, deadline=TODAY - timedelta(days=5)
    )

    assert services.points_mark_overdue(today=TODAY, now=NOW) == 2
    assert services.points_mark_overdue(today=TODAY, now=NOW) == 0  # a rerun is harmless

    statuses = dict(Point.objects.values_list("pk", "status"))
    assert statuses[late.pk] == S.OVERDUE and statuses[late_demolition.pk] == S.OVERDUE
    assert statuses[due_today.pk] == S.NOTICE_SERVED and statuses[done.pk] == S.RECTIFIED_BY_PARTY
    steps = Step.objects.filter(to_status=S.OVERDUE)
    assert steps.count() == 2
    assert all(step.actor is None for step in steps)
    assert set(steps.values_list("from_status", flat=True)) == {
        S.NOTICE_SERVED,
        S.DEMOLITION_AGREED,
    }


def test_filing_a_case_needs_its_number(tree, bob):
    point = PointFactory(
        estate=tree.estate_a, status=S.INTERVIEWED, deadline=TODAY - timedelta(days=9)
    )
    with pytest.raises(ValidationError) as info:
        services.point_transition(
            point=point, actor=bob, to_status=S.CASE_FILED, today=TODAY, now=NOW
        )
    assert info.value.message_dict["case_number"] == ["Filing a case needs its case number."]
    services.point_transition(
        point=point, actor=bob, to_status=S.CASE_FILED, case_number="2026-017", today=TODAY, now=NOW
    )
    point.refresh_from_db()
    assert point.case_number == "2026-017"


def test_verification_without_an_after_photo_is_refused(tree, bob):
    point = PointFactory(estate=tree.estate_a, status=S.DEMOLISHED)
    with pytest.raises(ValidationError) as info:
        services.point_transition(
            point=point, actor=bob, to_status=S.VERIFIED, today=TODAY, now=NOW
        )
    assert "after the rectification" in info.value.message_dict["photos"][0]
    step = services.point_transition(
        point=point,
        actor=bob,
        to_status=S.VERIFIED,
        photos=[jpeg("after.jpg")],
        today=TODAY,
        now=NOW,
    )
    assert [p.kind for p in step.photos.all()] == [Photo.Kind.AFTER]


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_recorded(tree, bob):
    with pytest.raises(ValidationError) as info:
        services.point_create(
            actor=bob,
            estate=tree.estate_a,
            category=category("gas"),
            location="3号楼道",
            photos=[jpeg(), not_an_image("readme.jpg")],
        )
    assert "readme.jpg is not an image" in info.value.message_dict["photos"][0]
    assert not Point.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(tree, bob, settings):
    settings.MAX_UPLOAD_SIZE = 200
    point = PointFactory(estate=tree.estate_a, status=S.DEMOLISHED)
    big = jpeg("big.jpg", size=(400, 400), color="blue")
    with pytest.raises(ValidationError) as info:
        services.point_transition(
            point=point, actor=bob, to_status=S.VERIFIED, photos=[big], today=TODAY, now=NOW
        )
    assert "big.jpg" in info.value.message_dict["photos"][0]
    point.refresh_from_db()
    assert point.status == S.DEMOLISHED


def test_without_a_phone_location_the_photos_gps_is_used_and_then_stripped(tree, bob):
    point = services.point_create(
        actor=bob,
        estate=tree.estate_a,
        category=category("balcony_extension"),
        location="5号楼2单元阳台",
        photos=[jpeg("plain.jpg"), jpeg("gps.jpg", gps=((31, 11, 30), (121, 27, 0)))],
        now=NOW,
    )
    assert (point.latitude, point.longitude) == (Decimal("31.191667"), Decimal("121.450000"))
    photos = list(point.photos.all())
    assert [p.kind for p in photos] == [Photo.Kind.BEFORE, Photo.Kind.BEFORE]
    for photo in photos:
        with photo.image.open("rb") as handle:
            assert read_gps(handle) is None
            handle.seek(0)
            with Image.open(handle) as image:
                assert not image.getexif()


def test_the_phones_location_wins_over_the_photos(tree, bob):
    point = services.point_create(
        actor=bob,
        estate=tree.estate_a,
        category=category("gas"),
        location="1号楼",
        latitude=Decimal("31.2"),
        longitude=Decimal("121.4"),
        photos=[jpeg("gps.jpg", gps=((30, 0, 0), (120, 0, 0)))],
    )
    assert (point.latitude, point.longitude) == (Decimal("31.2"), Decimal("121.4"))


def test_a_building_or_dwelling_of_another_estate_is_refused(tree, bob):
    from tests.conftest import make_stairwell

    elsewhere = make_stairwell(tree.estate_b, floors=2, per_floor=1)
    household = elsewhere.households.first()
    with pytest.raises(ValidationError) as info:
        services.point_create(
            actor=bob,
            estate=tree.estate_a,
            category=category("gas"),
            location="x",
            building=elsewhere.building,
            household=household,
        )
    assert "building" in info.value.message_dict and "household" in info.value.message_dict


def test_the_dwelling_fills_in_its_building(tree, bob):
    from tests.conftest import make_stairwell

    stairwell = make_stairwell(tree.estate_a, floors=2, per_floor=1)
    household = stairwell.households.first()
    point = services.point_create(
        actor=bob,
        estate=tree.estate_a,
        category=category("yard_enclosure"),
        location="一楼院子",
        household=household,
        area=Decimal("12.50"),
    )
    assert point.building == stairwell.building and point.area == Decimal("12.50")


def test_the_whole_path_through_escalation_keeps_every_step(tree, alice, bob):
    point = services.point_create(
        actor=alice,
        estate=tree.estate_a,
        category=category("rooftop_addition"),
        location="7号楼顶",
        area=Decimal("30"),
        now=NOW,
    )
    day = TODAY
    services.point_transition(
        point=point, actor=alice, to_status=S.NOTICE_SERVED, today=day, now=NOW
    )
    services.points_mark_overdue(today=day + timedelta(days=16), now=NOW)
    point.refresh_from_db()
    for target, extra in [
        (S.INTERVIEWED, {}),
        (S.CASE_FILED, {"case_number": "案2026-3"}),
        (S.ENFORCED, {}),
        (S.VERIFIED, {"photos": [jpeg()]}),
        (S.CLOSED, {}),
    ]:
        # Closing is checked by a second person (bob), not by alice who recorded the removal.
        services.point_transition(
            point=point,
            actor=bob if target == S.CLOSED else alice,
            to_status=target,
            today=day,
            now=NOW,
            **extra,
        )
    assert list(point.steps.values_list("to_status", flat=True)) == [
        S.FOUND,
        S.NOTICE_SERVED,
        S.OVERDUE,
        S.INTERVIEWED,
        S.CASE_FILED,
        S.ENFORCED,
        S.VERIFIED,
        S.CLOSED,
    ]


def test_patrols_record_rechecked_points_of_their_estate_only(tree, bob):
    mine = PointFactory(estate=tree.estate_a)
    other = PointFactory(estate=tree.estate_b)
    with pytest.raises(ValidationError):
        services.patrol_record(worker=bob, estate=tree.estate_a, points=[mine, other])
    patrol = services.patrol_record(
        worker=bob, estate=tree.estate_a, points=[mine], note="例行巡查"
    )
    found = services.point_create(
        actor=bob,
        estate=tree.estate_a,
        category=category("disorder_pile"),
        location="车棚",
        patrol=patrol,
    )
    assert sorted(patrol.visits.values_list("point_id", "finding")) == sorted(
        [(mine.pk, "rechecked"), (found.pk, "found")]
    )


# ---- two people close a point ----------------------------------------------------------------


def rectified_and_verified_by(user, estate):
    point = point_in(S.NOTICE_SERVED, estate, user)
    point.deadline = TODAY + timedelta(days=3)
    point.save()
    services.point_transition(
        point=point, actor=user, to_status=S.RECTIFIED_BY_PARTY, today=TODAY, now=NOW
    )
    services.point_transition(
        point=point, actor=user, to_status=S.VERIFIED, photos=[jpeg()], today=TODAY, now=NOW
    )
    return point


def test_the_person_who_recorded_the_rectification_cannot_also_close_the_point(tree, bob):
    point = rectified_and_verified_by(bob, tree.estate_a)
    with pytest.raises(ValidationError) as refused:
        services.point_transition(point=point, actor=bob, to_status=S.CLOSED, today=TODAY, now=NOW)
    message = refused.value.message_dict["to_status"][0]
    assert "You recorded the rectification" in message and "someone else" in message
    point.refresh_from_db()
    assert point.status == S.VERIFIED
    assert not point.steps.filter(to_status=S.CLOSED).exists()


def test_a_colleague_closes_the_point_the_grid_worker_rectified(tree, alice, bob):
    point = rectified_and_verified_by(bob, tree.estate_a)
    step = services.point_transition(
        point=point, actor=alice, to_status=S.CLOSED, note="销号", today=TODAY, now=NOW
    )
    assert step.actor == alice and point.status == S.CLOSED


def test_the_rule_follows_whoever_recorded_the_latest_rectification(tree, alice, bob):
    point = point_in(S.DEMOLITION_AGREED, tree.estate_a, alice)
    services.point_transition(
        point=point, actor=alice, to_status=S.DEMOLISHED, today=TODAY, now=NOW
    )
    services.point_transition(
        point=point, actor=bob, to_status=S.VERIFIED, photos=[jpeg()], today=TODAY, now=NOW
    )
    with pytest.raises(ValidationError):
        services.point_transition(
            point=point, actor=alice, to_status=S.CLOSED, today=TODAY, now=NOW
        )
    services.point_transition(point=point, actor=bob, to_status=S.CLOSED, today=TODAY, now=NOW)
    assert point.status == S.CLOSED
