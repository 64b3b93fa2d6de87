// Clinician pages: "Copy to note" (clipboard, with the visible textarea as the fallback) and "Print".
(function () {
  "use strict";
  function status(text) {
    var el = document.getElementById("copy-status");
    if (el) { el.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) { return; }
    if (button.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var id = button.getAttribute("data-copy");
    if (!id) { return; }
    var area = document.getElementById(id);
    if (!area) { return; }
    var fallback = function () {
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      status(ok ? "Copied. Paste it into your note." : "Selected: press Ctrl+C (or Cmd+C) to copy.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(function () { status("Copied. Paste it into your note."); }, fallback);
    } else {
      fallback();
    }
  });
})();
