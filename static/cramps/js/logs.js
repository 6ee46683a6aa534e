// Log forms: small comforts on top of pages that work without JavaScript.
(function () {
  "use strict";

  // A cramp's duration: typing exact minutes clears the quick choice, and a quick choice
  // clears the minutes, so what the user sees is what is saved.
  var minutes = document.querySelector('input[name="duration_minutes"]');
  var quick = document.querySelectorAll('input[name="duration"]');
  if (minutes && quick.length) {
    minutes.addEventListener("input", function () {
      if (minutes.value) {
        quick.forEach(function (radio) { radio.checked = false; });
      }
    });
    quick.forEach(function (radio) {
      radio.addEventListener("change", function () { minutes.value = ""; });
    });
  }

  // Food or a supplement: choosing a food dims the direct amounts (they are not both saved).
  var food = document.querySelector('select[name="food"]');
  var direct = document.getElementById("intake-direct");
  if (food && direct) {
    var sync = function () { direct.classList.toggle("opacity-50", Boolean(food.value)); };
    food.addEventListener("change", sync);
    sync();
  }
})();
