// Draws every map on the page: <div class="map" data-map="CONFIG-ID"> with its configuration in
// a json_script block (renovation/templatetags/maps.py). Markers come from GeoJSON (WGS-84):
// inline, or from a scoped JSON endpoint. When the configured tiles are in GCJ-02 the markers
// are shifted for drawing (static/maps/gcj02.js); a point picked on the map is shifted back
// before it is written into the form. Without tiles (none configured, or unreachable, as on
// many intranets) the markers stay on a plain background and the map says so.
(function () {
  "use strict";
  var FEW_LABELS = 40;  // without tiles, up to this many markers in view carry their names
  var LABEL_ZOOM = 13;
  var TILE_WAIT_MS = 8000;  // a tile server that neither answers nor fails counts as down

  function frame(config) {
    var g = window.HuanxinGcj02;
    if (config.tiles.coordinates === "gcj02") {
      return { toMap: g.wgs84ToGcj02, fromMap: g.gcj02ToWgs84 };
    }
    var same = function (lat, lng) { return [lat, lng]; };
    return { toMap: same, fromMap: same };
  }

  function say(box, text, state) {
    var notice = box.querySelector(".map-notice");
    notice.textContent = text;
    notice.hidden = !text;
    box.setAttribute("data-tiles", state);
  }

  // One probe tile first: when the server cannot be reached (an intranet without a way out),
  // the page makes one failed request, not one per tile of every view, and says so.
  function probeUrl(t) {
    var sub = t.subdomains ? t.subdomains.charAt(0) : "";
    return t.url.replace("{s}", sub).replace("{z}", "3").replace("{l}", "3")
      .replace("{x}", "6").replace("{y}", "3").replace("{r}", "");
  }

  function addTiles(map, box, config, onDown) {
    var t = config.tiles;
    if (!t.url) {
      say(box, config.text.noTiles, "none");
      onDown();
      return;
    }
    var settled = false;
    var add = function () {
      var options = { maxZoom: t.maxZoom, attribution: t.attribution };
      if (t.subdomains) options.subdomains = t.subdomains;
      [t.url, t.overlayUrl].filter(Boolean).forEach(function (url) {
        L.tileLayer(url, options).addTo(map);
      });
    };
    var up = function () {
      if (settled === "up") return;
      var wasDown = settled === "down";
      settled = "up";
      add();
      say(box, "", "loaded");
      if (wasDown) onDown(false);
    };
    var down = function () {
      if (settled) return;
      settled = "down";
      say(box, config.picker ? config.text.tilesUnavailablePicker : config.text.tilesUnavailable, "unavailable");
      onDown(true);
    };
    box.setAttribute("data-tiles", "loading");
    var probe = new Image();
    probe.onload = up;  // late is still welcome: the tiles appear and the notice goes
    probe.onerror = down;
    probe.src = probeUrl(t);
    window.setTimeout(down, TILE_WAIT_MS);
  }

  function popup(p) {
    var root = document.createElement("div");
    root.className = "map-popup";
    var title = document.createElement(p.url ? "a" : "strong");
    if (p.url) title.href = p.url;
    title.textContent = p.title;
    root.appendChild(title);
    if (p.status_label) {
      var badge = document.createElement("div");
      badge.className = "map-popup-status";
      badge.textContent = p.status_label;
      root.appendChild(badge);
    }
    (p.lines || []).forEach(function (line) {
      var div = document.createElement("div");
      div.className = "map-popup-line";
      div.textContent = line;
      root.appendChild(div);
    });
    return root;
  }

  function drawLayer(map, geojson, layerConfig, shift, markers) {
    var legend = layerConfig.legend || {};
    geojson.features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      var at = shift.toMap(c[1], c[0]);
      var colour = (legend[p.status] || {}).colour || "#616e7c";
      var marker = L.circleMarker(at, {
        radius: p.approximate ? 6 : 8,
        color: p.overdue ? "#b3261e" : "#fff",
        weight: p.overdue ? 3 : 2,
        dashArray: p.approximate ? "3 3" : null,
        fillColor: colour,
        fillOpacity: p.approximate ? 0.55 : 0.95,
        className: "map-marker map-marker-" + (layerConfig.kind || "item")
      });
      marker.bindPopup(popup(p), { maxWidth: 260 });
      marker.feature = f;
      marker.addTo(map);
      markers.push(marker);
    });
  }

  // Without tiles, the markers in view carry their names once the map is close enough for
  // them not to pile up.
  function labels(map, markers, on) {
    if (!markers.length || !map._loaded) return;  // nothing drawn, or no view yet
    var show = on && map.getZoom() >= LABEL_ZOOM;
    var bounds = map.getBounds(), n = 0;
    markers.forEach(function (m) {
      var want = show && n < FEW_LABELS && bounds.contains(m.getLatLng());
      if (want) n += 1;
      if (want && !m.getTooltip()) {
        m.bindTooltip(m.feature.properties.title, {
          permanent: true, direction: "right", offset: [8, 0], className: "map-label"
        });
      } else if (!want && m.getTooltip()) {
        m.unbindTooltip();
      }
    });
  }

  function fit(map, markers, config) {
    if (markers.length) {
      var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 18 });
    } else if (config.center) {
      var c = frame(config).toMap(config.center[0], config.center[1]);
      map.setView(c, config.zoom || 14);
    } else {
      map.setView([35.0, 105.0], 4);  // all of China
    }
  }

  function summary(box, config, shown, without) {
    var out = box.querySelector(".map-summary");
    if (!out) return;
    var text = shown ? config.text.shown.replace("{n}", shown) : config.text.noLocations;
    if (without) text += " " + config.text.without.replace("{n}", without);
    out.textContent = text;
  }

  function picker(map, box, config, shift) {
    var latInput = document.getElementById(config.picker.latitude);
    var lngInput = document.getElementById(config.picker.longitude);
    var marker = null;
    function read() {
      var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      if (isNaN(lat) || isNaN(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
      return [lat, lng];
    }
    function write(latlng) {
      var stored = shift.fromMap(latlng.lat, latlng.lng);
      latInput.value = stored[0].toFixed(6);
      lngInput.value = stored[1].toFixed(6);
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
    function place(at) {
      if (!marker) {
        marker = L.marker(at, { draggable: true, autoPan: true, keyboard: true, title: config.text.dragHint });
        marker.on("dragend", function () { write(marker.getLatLng()); });
        marker.addTo(map);
      } else {
        marker.setLatLng(at);
      }
      box.setAttribute("data-picked", "yes");
    }
    function fromInputs(pan) {
      var stored = read();
      if (!stored) {
        if (marker && !latInput.value && !lngInput.value) {
          map.removeLayer(marker);
          marker = null;
          box.setAttribute("data-picked", "no");
        }
        return;
      }
      var at = shift.toMap(stored[0], stored[1]);
      place(at);
      if (pan) map.setView(at, Math.max(map.getZoom(), 16));
    }
    map.on("click", function (e) {
      place(e.latlng);
      write(e.latlng);
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () { fromInputs(true); });
    });
    var stored = read();
    if (stored) {
      fromInputs(false);
      map.setView(shift.toMap(stored[0], stored[1]), 16);
    }
    box.setAttribute("data-picked", stored ? "yes" : "no");
  }

  function init(box) {
    var config = JSON.parse(document.getElementById(box.getAttribute("data-map")).textContent);
    var canvas = box.querySelector(".map-canvas");
    canvas.textContent = "";  // the no-JavaScript note
    var shift = frame(config);
    var map = L.map(canvas, { scrollWheelZoom: false });
    map.attributionControl.setPrefix("Leaflet");
    // Scrolling the page over the map scrolls the page until the map is clicked.
    map.once("focus click", function () { map.scrollWheelZoom.enable(); });
    var markers = [], offline = false;
    addTiles(map, box, config, function (isDown) {
      offline = isDown !== false;
      labels(map, markers, offline);
    });
    map.on("zoomend moveend", function () { labels(map, markers, offline); });
    if (config.picker) {
      fit(map, [], config);
      picker(map, box, config, shift);
      box.setAttribute("data-ready", "yes");
      return;
    }
    var without = 0;
    var pending = (config.layers || []).map(function (layer) {
      if (layer.data) return Promise.resolve([layer, layer.data]);
      return fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (data) { return [layer, data]; });
    });
    Promise.all(pending).then(function (results) {
      results.forEach(function (pair) {
        drawLayer(map, pair[1], pair[0], shift, markers);
        without += pair[1].without_location || 0;
      });
      fit(map, markers, config);
      summary(box, config, markers.length, without);
      labels(map, markers, offline);
      box.setAttribute("data-ready", "yes");
    }).catch(function () {
      fit(map, markers, config);
      var err = box.querySelector(".map-summary");
      if (err) err.textContent = config.text.loadFailed;
      box.setAttribute("data-ready", "failed");
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
