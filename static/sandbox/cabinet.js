// Expands and collapses the "all operations" section of the sandbox cabinet.
(function () {
  "use strict";
  var toggle = document.getElementById("toggle-operations");
  var section = document.getElementById("all-operations");
  if (!toggle || !section) {
    return;
  }
  toggle.addEventListener("click", function () {
    var expand = section.hidden;
    section.hidden = !expand;
    toggle.setAttribute("aria-expanded", expand ? "true" : "false");
    toggle.textContent = expand ? toggle.dataset.hide : toggle.dataset.show;
  });
})();
