// Skip logic on the answer page: a question asked only after a given earlier answer (C-SSRS 3 to 5
// after a Yes to 2) shows only then; the server drops answers to questions not asked either way.
(function () {
  "use strict";
  function gated() { return document.querySelectorAll("fieldset[data-asked-if]"); }
  function chosen(name) {
    var checked = document.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }
  function update() {
    gated().forEach(function (question) {
      var rule = question.getAttribute("data-asked-if").split("=");
      question.hidden = chosen(rule[0]) !== rule[1];
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!gated().length) { return; }
    document.addEventListener("change", update);
    update();
  });
})();
