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

// ── Staff desk (issue 3) ──────────────────────────────────────────────────────────────
(function () {
  "use strict";
  // Anonymous complaints take no identity: while the box is ticked the identity fields
  // are disabled (and so not sent), instead of being refused by the server.
  document.querySelectorAll("[data-anonymous]").forEach(function (box) {
    var set = box.closest("[data-identity]");
    if (!set) { return; }
    var sync = function () {
      set.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (el !== box) { el.disabled = box.checked; }
      });
      set.classList.toggle("is-anonymous", box.checked);
    };
    box.addEventListener("change", sync);
    sync();
  });
  // Destructive admin actions ask first; without this file they simply happen.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
// ── end of the staff desk ──
