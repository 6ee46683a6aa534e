/* A half-filled form is never lost by a mis-tap: once something is typed, leaving the page asks
   first, and the "Cramp now" button opens the guide in a new tab so the form stays. */
(function () {
  "use strict";
  var dirty = false;
  var forms = document.querySelectorAll("main form[method=post]");
  forms.forEach(function (form) {
    form.addEventListener("input", function (event) {
      if (event.target && event.target.type !== "hidden") {
        dirty = true;
        var button = document.querySelector(".cramp-now");
        if (button) {
          button.target = "_blank";
          button.rel = "noopener";
        }
      }
    });
    form.addEventListener("submit", function () {
      dirty = false;
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
