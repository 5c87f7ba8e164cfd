// Skip logic on the questionnaire entry page: an item marked data-asked-if="item_N" data-asked-value="V"
// is asked only while item N's chosen option is V. Otherwise it is hidden and disabled, so the browser
// sends nothing for it and the server stores it as not asked (the server applies the same rule).
(function () {
  "use strict";
  function chosen(form, name) {
    const checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }
  function apply(form) {
    for (const item of form.querySelectorAll("[data-asked-if]")) {
      const asked = chosen(form, item.dataset.askedIf) === item.dataset.askedValue;
      item.hidden = !asked;
      item.disabled = !asked;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    for (const form of document.querySelectorAll("[data-entry-form]")) {
      apply(form);
      form.addEventListener("change", function () { apply(form); });
    }
  });
})();
