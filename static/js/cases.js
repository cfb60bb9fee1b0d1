// Case pages. Loaded as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // Possible duplicates found on saving: the decision comes first, so focus goes there.
  var duplicates = document.getElementById("possible-duplicates");
  if (duplicates) {
    duplicates.focus();
  }

  // "Add another child / qualification": a new row from the formset's empty form, so a
  // household of four is entered in one go. Without JavaScript the one spare row is
  // there and the button stays hidden.
  document.querySelectorAll("[data-formset]").forEach(function (fieldset) {
    var prefix = fieldset.getAttribute("data-formset");
    var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = fieldset.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var rows = fieldset.querySelector("[data-formset-rows]");
    var empty = fieldset.querySelector("template[data-formset-empty]");
    var button = fieldset.querySelector("[data-formset-add]");
    if (!total || !rows || !empty || !button) {
      return;
    }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) {
        return;
      }
      var html = empty.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) {
        first.focus();
      }
    });
  });
})();
