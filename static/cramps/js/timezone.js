// Suggest the browser's time zone on the sign-up and profile forms.
// The field keeps working without this script (a text input with a list of zones).
(function () {
  "use strict";
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!detected) return;

  document.querySelectorAll("input[data-tz-detect]").forEach(function (input) {
    // The words, in the page's language, on the field's list of zones (data-t-*).
    var list = input.list || document.getElementById(input.getAttribute("list") || "");
    var words = (list && list.dataset) || {};
    var fallback = input.getAttribute("data-tz-default") || "UTC";
    var hasError = input.classList.contains("is-invalid");
    // Only fill a field the user has not set: empty or still the default, and not just rejected.
    var filled = false;
    if (!hasError && input.value !== detected && (input.value === "" || input.value === fallback)) {
      input.value = detected;
      filled = true;
    }

    var note = document.createElement("div");
    note.className = "form-text";
    note.setAttribute("aria-live", "polite");
    var text = filled
      ? words.tFilled || "Detected: {zone} (filled in from your device)"
      : words.tDetected || "Detected: {zone}";
    note.appendChild(document.createTextNode(text.replace("{zone}", detected) + " "));
    if (input.value !== detected) {
      var use = document.createElement("button");
      use.type = "button";
      use.className = "btn btn-link btn-sm p-0 align-baseline";
      use.textContent = words.tUse || "Use it";
      use.addEventListener("click", function () {
        input.value = detected;
        use.remove();
        input.focus();
      });
      note.appendChild(use);
    }
    input.insertAdjacentElement("afterend", note);
  });
})();
