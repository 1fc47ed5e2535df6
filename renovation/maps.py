"""The map every page shares: the tile layer (a setting), the data markers are drawn from
(GeoJSON, WGS-84), and the legend. Pages draw it with `{% load maps %}{% map ... %}`
(renovation/templatetags/maps.py, templates/includes/map.html, static/maps/map.js).

Tiles come from a preset (`MAP_TILES`: osm, tianditu, amap, none) whose every part the
environment may override (`MAP_TILE_URL`, …), e.g. to point at a tile server on the intranet.
`MAP_TILE_COORDINATES` says which frame the tiles are drawn in: markers are shifted to GCJ-02
in the browser only when the tiles need it; what is stored is always WGS-84."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WGS84, GCJ02 = "wgs84", "gcj02"

# Tianditu (天地图) draws in CGCS2000, which matches WGS-84 to centimetres; its vector map
# needs its label layer on top. AMap/Gaode draws in GCJ-02; its raster tiles take no key.
PRESETS = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "overlay_url": "",
        "attribution": "© OpenStreetMap contributors",
        "subdomains": "",
        "max_zoom": 19,
        "coordinates": WGS84,
    },
    "tianditu": {
        "url": "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}",
        "overlay_url": "https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk={key}",
        "attribution": "© 天地图 · 国家地理信息公共服务平台",
        "subdomains": "01234567",
        "max_zoom": 18,
        "coordinates": WGS84,
    },
    "amap": {
        "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "overlay_url": "",
        "attribution": "© 高德地图 AutoNavi",
        "subdomains": "1234",
        "max_zoom": 18,
        "coordinates": GCJ02,
    },
    # No tile server at all (an intranet without one): markers on a plain background.
    "none": {
        "url": "",
        "overlay_url": "",
        "attribution": "",
        "subdomains": "",
        "max_zoom": 19,
        "coordinates": WGS84,
    },
}


def tile_layer_from_env(env, read) -> dict:
    """The MAP_TILE_* settings from the environment (`read(name, cast, default)` is the
    settings module's reader, which names a malformed variable). Fails at start, naming the
    variable, on anything a map could not be drawn with."""
    preset_name = read("MAP_TILES", env.str, "osm")
    if preset_name not in PRESETS:
        raise ImproperlyConfigured(
            f"Environment variable MAP_TILES is malformed: {preset_name!r} "
            f"(one of {', '.join(PRESETS)})"
        )
    preset = PRESETS[preset_name]
    key = read("MAP_TILE_KEY", env.str, "")

    def setting(name, part):
        # Unset or empty (as .env.example lists them): the preset's value.
        return read(name, env.str, "") or preset[part]

    layer = {
        "MAP_TILE_URL": setting("MAP_TILE_URL", "url"),
        "MAP_TILE_OVERLAY_URL": setting("MAP_TILE_OVERLAY_URL", "overlay_url"),
        "MAP_TILE_ATTRIBUTION": setting("MAP_TILE_ATTRIBUTION", "attribution"),
        "MAP_TILE_SUBDOMAINS": setting("MAP_TILE_SUBDOMAINS", "subdomains"),
        "MAP_TILE_COORDINATES": setting("MAP_TILE_COORDINATES", "coordinates"),
    }
    try:
        layer["MAP_TILE_MAX_ZOOM"] = int(setting("MAP_TILE_MAX_ZOOM", "max_zoom"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Environment variable MAP_TILE_MAX_ZOOM is malformed: {exc} (a whole number, 1–22)"
        ) from exc
    for name in ("MAP_TILE_URL", "MAP_TILE_OVERLAY_URL"):
        url = layer[name]
        if "{key}" in url:
            if not key:
                raise ImproperlyConfigured(
                    f"{name} needs a key (MAP_TILES={preset_name}): set MAP_TILE_KEY to the "
                    "key the tile provider issued (Tianditu: the 'tk' of a browser key)."
                )
            layer[name] = url = url.replace("{key}", key)
        if url and not (
            all(part in url for part in ("{x}", "{y}")) and ("{z}" in url or "{l}" in url)
        ):
            raise ImproperlyConfigured(
                f"Environment variable {name} is malformed: {url!r} (a tile URL with {{x}}, "
                "{y} and {z}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png)"
            )
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                f"Environment variable {name} is malformed: {url!r} (an http(s) address)"
            )
    if layer["MAP_TILE_COORDINATES"] not in (WGS84, GCJ02):
        raise ImproperlyConfigured(
            "Environment variable MAP_TILE_COORDINATES is malformed: "
            f"{layer['MAP_TILE_COORDINATES']!r} (wgs84 or gcj02)"
        )
    if not 1 <= layer["MAP_TILE_MAX_ZOOM"] <= 22:
        raise ImproperlyConfigured(
            "Environment variable MAP_TILE_MAX_ZOOM is malformed: "
            f"{layer['MAP_TILE_MAX_ZOOM']} (a whole number, 1–22)"
        )
    return layer


def tile_origins(*, url: str, overlay_url: str = "", subdomains: str = "") -> list[str]:
    """The origins the browser fetches tiles from, for the Content-Security-Policy's img-src
    ("https://t0.tianditu.gov.cn", … one per subdomain)."""
    origins = []
    for template in (url, overlay_url):
        if not template:
            continue
        for sub in subdomains or [""]:
            parts = urlsplit(template.replace("{s}", sub))
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def tile_config() -> dict:
    """What the browser needs to draw the tile layer (json_script'ed by the map tag)."""
    return {
        "url": settings.MAP_TILE_URL,
        "overlayUrl": settings.MAP_TILE_OVERLAY_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        "coordinates": settings.MAP_TILE_COORDINATES,
    }


def point_feature(latitude: Decimal, longitude: Decimal, **properties) -> dict:
    """A GeoJSON point (RFC 7946: longitude first, WGS-84, as stored)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


def feature_collection(features: list[dict], **extra) -> dict:
    return {"type": "FeatureCollection", "features": features, **extra}
