// Profile page: add routine slots without a reload, and confirm token changes.
(function () {
  "use strict";

  var addButton = document.getElementById("routine-add");
  var template = document.getElementById("routine-empty-slot");
  var slots = document.getElementById("routine-slots");
  var total = document.getElementById("id_routine-TOTAL_FORMS");
  var max = document.getElementById("id_routine-MAX_NUM_FORMS");
  if (addButton && template && slots && total) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var slot = holder.firstElementChild;
      slots.appendChild(slot);
      total.value = String(index + 1);
      var first = slot.querySelector("select, input:not([type=hidden])");
      if (first) first.focus();
    });
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
