// A table wider than the screen scrolls inside its .table-wrap; such a region must be reachable by keyboard
// (axe: scrollable-region-focusable) and named. Only regions that really scroll become tab stops, again
// whenever the window is resized. Loaded by base.html (CSP: a script of our own origin, no inline code).
(function () {
  var label = document.currentScript && document.currentScript.dataset.label;
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.tabIndex = 0;
        region.setAttribute("role", "region");
        if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
          var heading = region.closest("section, .card");
          heading = heading && heading.querySelector("h2, h3");
          region.setAttribute("aria-label", (heading ? heading.textContent.trim() + " · " : "") + (label || ""));
        }
      } else if (region.getAttribute("role") === "region") {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
})();
