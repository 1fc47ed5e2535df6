"""`{% load maps %}`: the shared map. `{% map_assets %}` in the page's head block (once, however
many maps), then `{% map "name" layers=... %}` where the map goes. See renovation/maps.py."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

from renovation.maps import tile_config

register = template.Library()


@register.simple_tag
def map_assets():
    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">'
        '<script src="{}" defer></script><script src="{}" defer></script>'
        '<script src="{}" defer></script>',
        static("vendor/leaflet/leaflet.css"),
        static("maps/map.css"),
        static("vendor/leaflet/leaflet.js"),
        static("maps/gcj02.js"),
        static("maps/map.js"),
    )


@register.inclusion_tag("includes/map.html")
def map(name, *, layers=(), picker=None, center=None, zoom=None, label="", fallback="", size=""):
    """A map named `name` (unique on the page).

    layers: [{"kind", "url" (a scoped GeoJSON endpoint) or "data" (GeoJSON), "colours"
      ({status: colour}), "legend" ([(label, colour)]), "title"}] — markers by status;
    picker: {"latitude": input id, "longitude": input id} — click or drag sets the fields;
    center/zoom: where to look when there is nothing to fit (WGS-84 (lat, lng));
    label: the map's accessible name; fallback: what the page offers without JavaScript;
    size: "small" for a map beside other facts."""
    config = {
        "tiles": tile_config(),
        "layers": [
            {k: layer[k] for k in ("kind", "url", "data") if layer.get(k) is not None}
            | {"legend": {status: {"colour": c} for status, c in layer.get("colours", {}).items()}}
            for layer in layers
        ],
        "picker": picker,
        "center": [float(center[0]), float(center[1])] if center else None,
        "zoom": zoom,
        "text": {
            "tilesUnavailable": _(
                "Map tiles are unavailable (the tile server cannot be reached); the markers "
                "are drawn on a plain background."
            ),
            "tilesUnavailablePicker": _(
                "Map tiles are unavailable, so the map shows no streets: type the latitude and "
                "longitude above (WGS-84, e.g. from a phone's location) or place the marker "
                "where you know the estate lies."
            ),
            "noTiles": _("No base map is configured; the markers are drawn on a plain background."),
            "noLocations": _("Nothing here has a location yet."),
            "shown": _("{n} on the map."),
            "without": _("{n} without a location."),
            "loadFailed": _("The markers could not be loaded. Reload the page to try again."),
            "dragHint": _("Drag to move the location"),
        },
    }
    return {
        "map_id": f"map-{name}",
        "config_id": f"map-{name}-config",
        "config": config,
        "layers": layers,
        "picker": picker,
        "label": label or _("Map"),
        "fallback": fallback,
        "size": size,
        "legend": any(layer.get("legend") for layer in layers),
    }
