/* Gongzhi cases: the report form's map and the public map (Leaflet from
   django-leaflet), and a guard against sending a form twice. No tiles are
   fetched unless the operator configured MAP_TILE_URL: the base layer is the
   communities and streets from the places register. */
(function () {
  "use strict";

  var RED = "#c8102e";
  var DARK_RED = "#9b0c23";
  var GREEN = "#1a7f37";

  function onReady(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  function placeStyle(feature) {
    if (feature.properties.kind === "community") {
      return { color: RED, weight: 2, fillOpacity: 0.04 };
    }
    return { color: "#5b636d", weight: 5, opacity: 0.6 };
  }

  function baseMap(el) {
    var map = L.map(el, { scrollWheelZoom: false });
    map.attributionControl.setPrefix("Leaflet");
    map.setView([0, 0], 2);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 19,
        attribution: el.dataset.tileAttribution || ""
      }).addTo(map);
    }
    var ready = fetch(el.dataset.placesUrl, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { type: "FeatureCollection", features: [] };
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: placeStyle,
          onEachFeature: function (feature, path) {
            path.bindTooltip(String(feature.properties.name), { sticky: true });
          }
        }).addTo(map);
        if (layer.getLayers().length) {
          map.fitBounds(layer.getBounds(), { padding: [8, 8] });
          el.dataset.ready = "places";
        } else if (!el.dataset.tileUrl) {
          el.classList.add("map-empty");
          var note = document.createElement("p");
          note.className = "map-empty-note";
          note.textContent = el.dataset.emptyText || "";
          el.parentNode.insertBefore(note, el.nextSibling);
          el.dataset.ready = "empty";
        }
        return layer;
      })
      .catch(function () {
        el.dataset.ready = "error";
        return null;
      });
    return { map: map, ready: ready };
  }

  function reportMap(el) {
    var form = el.closest("form");
    var lat = form.querySelector("[name=lat]");
    var lng = form.querySelector("[name=lng]");
    var label = document.getElementById("map-point");
    var clear = document.getElementById("map-clear");
    var base = baseMap(el);
    var marker = null;

    function setPoint(latlng, notify) {
      if (marker) {
        marker.remove();
        marker = null;
      }
      if (latlng) {
        marker = L.circleMarker(latlng, {
          radius: 10, color: RED, weight: 3, fillOpacity: 0.5
        }).addTo(base.map);
        lat.value = latlng.lat.toFixed(6);
        lng.value = latlng.lng.toFixed(6);
        label.textContent = (el.dataset.chosenText || "") + " " + lat.value + ", " + lng.value;
        clear.hidden = false;
      } else {
        lat.value = "";
        lng.value = "";
        label.textContent = "";
        clear.hidden = true;
      }
      if (notify) {
        lat.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    base.map.on("click", function (event) {
      setPoint(event.latlng, true);
    });
    clear.addEventListener("click", function () {
      setPoint(null, true);
    });
    if (lat.value && lng.value) {
      setPoint(L.latLng(parseFloat(lat.value), parseFloat(lng.value)), false);
    }
  }

  function popupFor(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.number;
    box.appendChild(link);
    var text = document.createElement("div");
    text.textContent = properties.category + " · " + properties.status;
    box.appendChild(text);
    return box;
  }

  function publicMap(el) {
    var base = baseMap(el);
    var count = document.querySelector("[data-testid=point-count]");
    // Cases sit in a pane above the communities and streets, whichever of the
    // two requests answers first, so a tap always reaches a case's marker.
    base.map.createPane("cases");
    base.map.getPane("cases").style.zIndex = 650;
    fetch(el.dataset.pointsUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var late = feature.properties.overdue;
            return L.circleMarker(latlng, {
              radius: 8, color: late ? DARK_RED : GREEN, weight: 2, fillOpacity: 0.7,
              pane: "cases"
            });
          },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(popupFor(feature.properties));
          }
        }).addTo(base.map);
        var points = layer.getLayers().length;
        el.dataset.points = String(points);
        if (count) {
          count.textContent = String(points);
        }
        base.ready.then(function (places) {
          var hasPlaces = places && places.getLayers().length;
          if (points && !hasPlaces) {
            base.map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 17 });
          }
        });
      })
      .catch(function () {
        el.dataset.points = "error";
      });
  }

  // A form marked data-once is sent once: a second tap while the first is on its
  // way does nothing (the server also refuses a repeat of the report form).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) {
      return;
    }
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    var button = form.querySelector("[type=submit]");
    if (button) {
      button.setAttribute("aria-busy", "true");
    }
  });
  // Coming back with the browser's back button restores the page as it was left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.sending;
    });
  });

  onReady(function () {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-report-map]").forEach(reportMap);
    document.querySelectorAll("[data-public-map]").forEach(publicMap);
  });
})();
