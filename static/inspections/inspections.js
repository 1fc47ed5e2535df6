// Fills the hidden latitude/longitude fields of the point form from the phone's location.
// The form works without this script: the server then takes the location from the photo's GPS.
(function () {
  "use strict";
  var form = document.getElementById("point-form");
  if (!form || !("geolocation" in navigator)) return;
  var lat = form.querySelector("input[name=latitude]");
  var lng = form.querySelector("input[name=longitude]");
  var status = document.getElementById("geo-status");
  if (!lat || !lng || lat.value) return;
  function say(key) { if (status && status.dataset[key]) status.textContent = status.dataset[key]; }
  say("locating");
  navigator.geolocation.getCurrentPosition(
    function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      say("found");
    },
    function () { say("failed"); },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
  );
})();
