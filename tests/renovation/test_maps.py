"""The shared map's arithmetic and settings: WGS-84 → GCJ-02 against published reference pairs
(the same pairs test static/maps/gcj02.js in tests/e2e/test_maps.py), and the tile settings
failing at start with a message naming the variable."""

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from renovation.gcj02 import gcj02_to_wgs84, out_of_china, wgs84_to_gcj02
from renovation.maps import tile_layer_from_env, tile_origins

# (WGS-84 lat, lng, GCJ-02 lat, lng): the reference pairs of googollee/eviltransform's tests,
# which every port of the algorithm (Go, JS, PHP, Elixir, …) checks against.
REFERENCE_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize("wgs_lat, wgs_lng, gcj_lat, gcj_lng", REFERENCE_PAIRS)
def test_wgs84_is_shifted_onto_gcj02_as_the_reference_says(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lat, lng = wgs84_to_gcj02(wgs_lat, wgs_lng)
    assert lat == pytest.approx(gcj_lat, abs=1e-9) and lng == pytest.approx(gcj_lng, abs=1e-9)


@pytest.mark.parametrize("wgs_lat, wgs_lng, gcj_lat, gcj_lng", REFERENCE_PAIRS)
def test_a_point_picked_on_gcj02_tiles_comes_back_to_its_wgs84_position(
    wgs_lat, wgs_lng, gcj_lat, gcj_lng
):
    lat, lng = gcj02_to_wgs84(gcj_lat, gcj_lng)
    # Well under the 0.000001° (about 11 cm) a location is stored with.
    assert lat == pytest.approx(wgs_lat, abs=1e-8) and lng == pytest.approx(wgs_lng, abs=1e-8)


def test_the_shift_in_shanghai_is_some_hundreds_of_metres_not_nothing():
    lat, lng = wgs84_to_gcj02(31.190512, 121.462231)  # 日晖六村
    assert 0.0015 < 31.190512 - lat < 0.003 and 0.003 < lng - 121.462231 < 0.006


@pytest.mark.parametrize("lat, lng", [(35.6895, 139.6917), (51.5074, -0.1278), (-33.87, 151.21)])
def test_outside_china_gcj02_is_wgs84(lat, lng):
    assert out_of_china(lat, lng)
    assert wgs84_to_gcj02(lat, lng) == (lat, lng) == gcj02_to_wgs84(lat, lng)


def _tiles(monkeypatch, **variables):
    for name in [
        "MAP_TILES",
        "MAP_TILE_KEY",
        "MAP_TILE_URL",
        "MAP_TILE_OVERLAY_URL",
        "MAP_TILE_ATTRIBUTION",
        "MAP_TILE_SUBDOMAINS",
        "MAP_TILE_MAX_ZOOM",
        "MAP_TILE_COORDINATES",
    ]:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    env = environ.Env()

    def read(name, cast, default):
        return cast(name, default=default)

    return tile_layer_from_env(env, read)


def test_openstreetmap_in_wgs84_is_the_default(monkeypatch):
    tiles = _tiles(monkeypatch)
    assert tiles["MAP_TILE_URL"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert tiles["MAP_TILE_COORDINATES"] == "wgs84"


def test_empty_variables_as_env_example_lists_them_keep_the_preset(monkeypatch):
    tiles = _tiles(monkeypatch, MAP_TILE_URL="", MAP_TILE_MAX_ZOOM="", MAP_TILE_COORDINATES="")
    assert tiles["MAP_TILE_URL"].startswith("https://tile.openstreetmap.org/")
    assert tiles["MAP_TILE_MAX_ZOOM"] == 19


def test_amap_tiles_are_drawn_in_gcj02(monkeypatch):
    tiles = _tiles(monkeypatch, MAP_TILES="amap")
    assert tiles["MAP_TILE_COORDINATES"] == "gcj02" and "autonavi" in tiles["MAP_TILE_URL"]


def test_tianditu_takes_its_key_from_the_environment(monkeypatch):
    tiles = _tiles(monkeypatch, MAP_TILES="tianditu", MAP_TILE_KEY="abc123")
    assert tiles["MAP_TILE_URL"].endswith("&tk=abc123")
    assert tiles["MAP_TILE_OVERLAY_URL"].endswith("&tk=abc123")  # the labels layer
    assert tiles["MAP_TILE_COORDINATES"] == "wgs84"


def test_tianditu_without_a_key_refuses_to_start_naming_the_variable(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_KEY"):
        _tiles(monkeypatch, MAP_TILES="tianditu")


@pytest.mark.parametrize(
    "variables, named",
    [
        ({"MAP_TILES": "google"}, "MAP_TILES"),
        ({"MAP_TILE_URL": "https://tiles.example/{z}/{x}.png"}, "MAP_TILE_URL"),
        ({"MAP_TILE_URL": "ftp://tiles.example/{z}/{x}/{y}.png"}, "MAP_TILE_URL"),
        ({"MAP_TILE_COORDINATES": "bd09"}, "MAP_TILE_COORDINATES"),
        ({"MAP_TILE_MAX_ZOOM": "high"}, "MAP_TILE_MAX_ZOOM"),
        ({"MAP_TILE_MAX_ZOOM": "30"}, "MAP_TILE_MAX_ZOOM"),
    ],
)
def test_a_malformed_tile_setting_fails_naming_the_variable(monkeypatch, variables, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        _tiles(monkeypatch, **variables)


def test_no_tiles_is_a_choice_for_intranets_without_a_tile_server(monkeypatch):
    tiles = _tiles(monkeypatch, MAP_TILES="none")
    assert tiles["MAP_TILE_URL"] == "" and tile_origins(url="") == []


def test_the_tile_origins_name_every_subdomain_for_the_csp():
    assert tile_origins(
        url="https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}",
        overlay_url="https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}",
        subdomains="01",
    ) == ["https://t0.tianditu.gov.cn", "https://t1.tianditu.gov.cn"]
    assert tile_origins(url="https://tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://tile.openstreetmap.org"
    ]
