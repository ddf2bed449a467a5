/* Check-in: ask the browser for the location (when the rep allows it), fill the hidden fields, then submit.
   Without JavaScript, without geolocation, when refused or after the timeout, the form posts without a location. */
(function () {
  "use strict";
  var TIMEOUT_MS = 8000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-check-in]") || form.dataset.located) { return; }
    if (!("geolocation" in navigator)) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    var done = false;
    function send(position) {
      if (done) { return; }
      done = true;
      if (position && position.coords) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        form.elements.accuracy.value = Math.round(position.coords.accuracy || 0);
      }
      form.dataset.located = "1";
      form.submit();
    }
    // The browser's own timeout does not cover the time the permission prompt stays open: guard it too.
    window.setTimeout(function () { send(null); }, TIMEOUT_MS + 2000);
    navigator.geolocation.getCurrentPosition(send, function () { send(null); },
      {enableHighAccuracy: true, timeout: TIMEOUT_MS, maximumAge: 60000});
  });
}());
