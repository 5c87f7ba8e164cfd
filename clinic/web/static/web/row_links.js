// Whole-row links. In a table row marked data-row-link, a click anywhere on the row follows the row's
// one link, as a click on the link itself would; Ctrl, Cmd or Shift, or the middle button, open it in
// a new tab. The link stays the row's one stop for the Tab key and for screen readers, and without
// this script it is still there to click. Rows swapped in by htmx work too: the listener is on the
// document.
(function () {
  "use strict";
  // A form in a row (an alert's acknowledgement) is the row's own business: a click in it opens nothing.
  const OWN_CONTROLS = "a, button, input, select, textarea, label, summary, details, form";

  function rowLink(event) {
    const row = event.target.closest("tr[data-row-link]");
    if (!row || event.defaultPrevented || event.target.closest(OWN_CONTROLS)) return null;
    // Selecting text to copy it (an MRN, a birth date) is not a click on the row.
    if (String(window.getSelection())) return null;
    return row.querySelector("a[href]");
  }

  document.addEventListener("click", (event) => {
    const link = rowLink(event);
    if (!link || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      window.open(link.href, "_blank", "noopener");
    } else {
      link.click();
    }
  });

  document.addEventListener("auxclick", (event) => {
    const link = rowLink(event);
    if (link && event.button === 1) window.open(link.href, "_blank", "noopener");
  });
})();
