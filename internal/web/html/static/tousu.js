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

// ── Public portal (issue 4) ───────────────────────────────────────────────────────────
(function () {
  "use strict";
  var size = function (n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  };
  // Evidence files: say at once when there are too many or one is too large, instead of
  // after a long upload; list the names chosen (phones show only "3 个文件").
  document.querySelectorAll("input[type=file][data-max-files]").forEach(function (input) {
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var maxBytes = parseInt(input.getAttribute("data-max-mb"), 10) * 1048576;
    var box = input.closest("fieldset") || input.parentNode;
    var out = box.querySelector("[data-evidence-error]");
    var list = box.querySelector("[data-evidence-list]");
    var check = function () {
      var files = input.files || [], problems = [];
      if (files.length > maxFiles) {
        problems.push("最多选择" + maxFiles + "个文件，您选择了" + files.length + "个，请重新选择。");
      }
      if (list) { list.textContent = ""; }
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > maxBytes) {
          problems.push("“" + files[i].name + "”超过" + Math.round(maxBytes / 1048576) + " MB。");
        }
        if (list) {
          var li = document.createElement("li");
          li.textContent = files[i].name + "（" + size(files[i].size) + "）";
          list.appendChild(li);
        }
      }
      if (out) { out.textContent = problems.join(""); out.hidden = problems.length === 0; }
      if (problems.length) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      return problems.length === 0;
    };
    input.addEventListener("change", check);
    if (input.form) {
      input.form.addEventListener("submit", function (e) {
        if (!check()) { e.preventDefault(); input.focus(); }
      });
    }
  });
  // One submission per tap: the button says it is working (uploads take a while on a
  // phone) and cannot be tapped again; back-navigation gives it back.
  var busy = [];
  document.querySelectorAll("form[data-submit-form]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var b = form.querySelector("button[data-busy]");
      if (e.defaultPrevented || !b) { return; }
      busy.push([b, b.textContent]);
      b.textContent = b.getAttribute("data-busy");
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });
  window.addEventListener("pageshow", function () {
    busy.forEach(function (x) { x[0].disabled = false; x[0].textContent = x[1]; });
    busy = [];
  });
  // The kiosk is shared: a page that answers a form (a receipt with its query code, a
  // case looked up) must not come back through the back button or a reload, which would
  // post the form again for the next person. Replacing the history entry turns it into a
  // plain GET of the same address: the empty form, the empty lookup.
  if (document.body.getAttribute("data-kiosk-idle") && window.history && history.replaceState) {
    history.replaceState(null, "", window.location.href);
  }
  // Rating: the reopen request is offered only with 不满意 or 非常不满意.
  document.querySelectorAll("form[data-feedback]").forEach(function (form) {
    var box = form.querySelector("[data-reopen]");
    if (!box) { return; }
    var cb = box.querySelector("input[name=reopen]");
    var sync = function () {
      var l = form.querySelector("input[name=level]:checked");
      var low = !!l && parseInt(l.value, 10) <= 2;
      box.hidden = !low && !box.classList.contains("invalid");
      if (!low && cb) { cb.checked = false; }
    };
    form.addEventListener("change", sync);
    sync();
  });
})();
// ── end of the public portal ──

// ── Assignment: only the chosen unit's handlers (issue 12) ───────────────────────────
(function () {
  "use strict";
  // A handler may sign for the cases of its unit and of the units below it: once a unit
  // is chosen, only the handlers working at it or above it are offered.
  document.querySelectorAll("[data-assign-unit]").forEach(function (unit) {
    var handler = unit.form && unit.form.querySelector("select[name=handler]");
    if (!handler) { return; }
    var filter = function () {
      var opt = unit.options[unit.selectedIndex];
      var chain = ((opt && opt.getAttribute("data-ancestors")) || "").split(" ");
      handler.querySelectorAll("optgroup[data-unit]").forEach(function (g) {
        var ok = !opt || !opt.value || chain.indexOf(g.getAttribute("data-unit")) >= 0;
        g.hidden = !ok;
        g.disabled = !ok;
      });
      var chosen = handler.options[handler.selectedIndex];
      if (chosen && chosen.parentNode.disabled) { handler.value = ""; }
    };
    unit.addEventListener("change", filter);
    filter();
  });
})();
