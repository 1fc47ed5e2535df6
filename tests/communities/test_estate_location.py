"""An estate's location: WGS-84 degrees, both or neither, held by the database and refused by
the service, the form and the API with a message on the field; set on a map in the form (the
numeric fields stay), shown on the estate's page."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from communities import services
from communities.models import Estate
from tests.communities.factories import EstateFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "latitude, longitude, constraint",
    [
        ("31.190512", None, "communities_estate_location_both_or_neither"),
        (None, "121.462231", "communities_estate_location_both_or_neither"),
        ("90.000001", "121.462231", "communities_estate_latitude_range"),
        ("31.190512", "-180.000001", "communities_estate_longitude_range"),
    ],
)
def test_the_database_refuses_half_a_location_or_one_off_the_globe(
    tree, latitude, longitude, constraint
):
    estate = tree.estate_a
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Estate.objects.filter(pk=estate.pk).update(
            latitude=None if latitude is None else Decimal(latitude),
            longitude=None if longitude is None else Decimal(longitude),
        )


@pytest.mark.parametrize(
    "latitude, longitude",
    [("90.000000", "180.000000"), ("-90.000000", "-180.000000"), (None, None)],
)
def test_the_poles_the_antimeridian_and_no_location_at_all_are_accepted(tree, latitude, longitude):
    Estate.objects.filter(pk=tree.estate_a.pk).update(latitude=latitude, longitude=longitude)
    tree.estate_a.refresh_from_db()
    assert tree.estate_a.latitude == (None if latitude is None else Decimal(latitude))


def test_the_service_refuses_half_a_location_with_a_message_on_the_field(alice, tree):
    estate = tree.estate_a
    estate.latitude, estate.longitude = Decimal("31.190512"), None
    with pytest.raises(ValidationError) as info:
        services.estate_save(user=alice, estate=estate)
    assert info.value.message_dict["latitude"] == ["Give both latitude and longitude, or neither."]
    assert Estate.objects.get(pk=estate.pk).latitude is None  # nothing half-written


def test_the_service_refuses_a_latitude_past_the_pole_on_the_field(alice, tree):
    estate = tree.estate_a
    estate.latitude, estate.longitude = Decimal("91"), Decimal("121")
    with pytest.raises(ValidationError) as info:
        services.estate_save(user=alice, estate=estate)
    assert "latitude" in info.value.message_dict


def test_the_registry_api_reads_and_writes_the_location(alice, tree):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(alice)
    url = f"/api/v1/estates/{tree.estate_a.pk}/"
    response = client.patch(
        url, {"latitude": "31.190512", "longitude": "121.462231"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["latitude"], response.json()["longitude"]) == (
        "31.190512",
        "121.462231",
    )
    response = client.patch(url, {"longitude": None}, format="json")
    assert response.status_code == 400
    assert response.json()["latitude"] == ["Give both latitude and longitude, or neither."]


def test_the_estate_form_offers_a_map_beside_the_numeric_fields(client, alice, tree):
    EstateFactory(community=tree.rihui2, latitude=Decimal("31.19"), longitude=Decimal("121.46"))
    client.force_login(alice)
    body = client.get(reverse("communities:estate-update", args=[tree.estate_a.pk])).content
    body = body.decode()
    assert 'name="latitude"' in body and 'name="longitude"' in body  # the no-JS way
    config = re.search(r'id="map-estate-location-config"[^>]*>(.*?)</script>', body).group(1)
    assert '"picker": {"latitude": "id_latitude", "longitude": "id_longitude"}' in config
    # With no location yet, the map opens over the estates the user oversees.
    assert '"center": [31.19, 121.46]' in config
    assert "maps/map.js" in body and "vendor/leaflet/leaflet.js" in body


def test_a_location_typed_into_the_form_is_saved(client, alice, tree):
    estate = tree.estate_a
    client.force_login(alice)
    response = client.post(
        reverse("communities:estate-update", args=[estate.pk]),
        {
            "community": estate.community_id,
            "name": estate.name,
            "address": estate.address,
            "management_type": estate.management_type,
            "latitude": "31.190512",
            "longitude": "121.462231",
        },
    )
    assert response.status_code == 302
    estate.refresh_from_db()
    assert (estate.latitude, estate.longitude) == (Decimal("31.190512"), Decimal("121.462231"))


def test_the_estate_page_draws_its_location_and_offers_to_set_a_missing_one(client, alice, tree):
    client.force_login(alice)
    url = reverse("communities:estate-detail", args=[tree.estate_a.pk])
    body = client.get(url).content.decode()
    assert "map-estate-config" not in body and "#estate-location" in body
    Estate.objects.filter(pk=tree.estate_a.pk).update(
        latitude=Decimal("31.190512"), longitude=Decimal("121.462231")
    )
    body = client.get(url).content.decode()
    assert '"coordinates": [121.462231, 31.190512]' in body  # GeoJSON: longitude first
