/* Light or dark: the device's preference unless the user picked one with the switch (kept in
   localStorage). Loaded without defer in <head>, so the page is painted in the right theme: no
   flash. Without JavaScript the page keeps base.html's theme. */
(function () {
  "use strict";
  var KEY = "crampless-theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var forced = ""; // when localStorage is not available (private mode)

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "";
    } catch (e) {
      return forced;
    }
  }

  function effective() {
    return stored() || (media && media.matches ? "dark" : "light");
  }

  function apply() {
    var theme = effective();
    document.documentElement.setAttribute("data-bs-theme", theme);
    var meta = document.querySelector('meta[name="theme-color"]');
    if (meta) meta.setAttribute("content", theme === "dark" ? "#121212" : "#ffffff");
    var button = document.querySelector("[data-theme-switch]");
    if (button) {
      var next = theme === "dark" ? "light" : "dark";
      button.textContent = next === "dark" ? button.dataset.toDark : button.dataset.toLight;
      button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
    }
  }

  apply();
  if (media && media.addEventListener) media.addEventListener("change", apply);

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-theme-switch]");
    if (!button) return;
    button.hidden = false;
    apply();
    button.addEventListener("click", function () {
      var next = effective() === "dark" ? "light" : "dark";
      var system = media && media.matches ? "dark" : "light";
      forced = next;
      try {
        // Back to following the device when the switch lands on the device's own choice.
        if (next === system) window.localStorage.removeItem(KEY);
        else window.localStorage.setItem(KEY, next);
      } catch (e) {
        /* private mode: the choice lasts for this page only (`forced`) */
      }
      apply();
    });
  });
})();
