// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // Kiosk mode: after a while without touch or typing, go back to the start page, so
  // that the next person does not see what the last one typed.
  var idle = document.body.getAttribute("data-kiosk-idle");
  if (idle) {
    var timer;
    var reset = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { window.location.href = "/?kiosk=1"; }, parseInt(idle, 10) * 1000);
    };
    ["click", "keydown", "touchstart", "input"].forEach(function (ev) {
      document.addEventListener(ev, reset, { passive: true });
    });
    reset();
  }
  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function (e) { e.preventDefault(); window.print(); });
  });
})();
