// Field behaviour of entry forms: pickers that search as one types, fields shown for the kind of
// entry chosen, and values filled from a choice. No inline scripts anywhere: the CSP forbids them.
//
// Dates. A browser's date picker sends nothing for a date it cannot read (30 February typed in), so
// the server would say "required". Beside each date input a hidden NAME_unreadable field says "1"
// while the browser holds such a date, and the server answers that the date does not exist.
//
// Kinds. A select marked data-trial-kind shows, in its form, only the widgets whose data-kinds name
// the chosen kind; the others are hidden and disabled, so they are not sent. A widget with
// data-labels (JSON, kind → label) takes its label from the kind, and one with data-lists (JSON,
// kind → datalist id) its suggestions. Without this script every field
// shows and the server refuses a field that does not apply.
//
// Pickers. An input marked data-medicine-picker offers the catalogue's names (its <datalist>);
// choosing one fills, where the form has them, the drug class and the usual dose unit and route:
// only a field still empty, or holding what an earlier choice filled, so a value the clinician
// chose is never overwritten. An input marked data-indication-picker offers the indications' codes;
// choosing one leaves the code in the input, sets the indication and shows the code's description.
// Nothing is filled from an earlier entry, only from the choice just made.
(function () {
  "use strict";

  function unreadableMarker(input) {
    const name = input.name + "_unreadable";
    let marker = input.form && input.form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!marker && input.form) {
      marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = name;
      input.after(marker);
    }
    return marker;
  }

  function markUnreadable(input) {
    const marker = unreadableMarker(input);
    if (marker) marker.value = input.validity.badInput ? "1" : "";
  }

  function fieldBox(widget) {
    return widget.closest(".field") || widget.parentElement;
  }

  function labelOf(widget) {
    return widget.id ? document.querySelector('label[for="' + widget.id + '"]') : null;
  }

  function applyKind(select) {
    const form = select.form;
    if (!form) return;
    const kind = select.value;
    for (const widget of form.querySelectorAll("[data-kinds]")) {
      if (widget === select) continue;
      const applies = !kind || widget.dataset.kinds.split(" ").includes(kind);
      fieldBox(widget).hidden = !applies;
      widget.disabled = !applies;
      if (widget.dataset.lists) {
        const list = JSON.parse(widget.dataset.lists)[kind];
        if (list) widget.setAttribute("list", list);
        else widget.removeAttribute("list");
      }
      if (widget.dataset.labels && kind) {
        const labels = JSON.parse(widget.dataset.labels);
        const label = labelOf(widget);
        if (label && labels[kind]) label.firstChild.textContent = labels[kind];
      }
    }
  }

  function chosenOption(input) {
    const list = input.list;
    if (!list) return null;
    const typed = input.value.trim().toLowerCase();
    return Array.from(list.options).find((option) => option.value.toLowerCase() === typed) || null;
  }

  function fillFromPick(form, name, value) {
    const field = form.elements[name];
    if (!field || field.disabled || !value) return;
    // A value an earlier pick filled is the picker's, not the clinician's: a new pick replaces it.
    if (field.value && field.value !== field.dataset.picked) return;
    field.value = value;
    field.dataset.picked = value;
  }

  function pickMedicine(input) {
    const option = chosenOption(input);
    const form = input.form;
    if (!option || !form) return;
    const kind = form.elements.kind;
    fillFromPick(form, "drug_class", option.dataset.drugClass);
    if (!kind || kind.value === "medication") {
      fillFromPick(form, "dose_unit", option.dataset.doseUnit);
      fillFromPick(form, "route", option.dataset.route);
    }
  }

  function describeCode(input, text) {
    let note = input.parentElement.querySelector(".code-description");
    if (!note) {
      note = document.createElement("small");
      note.className = "code-description";
      note.setAttribute("aria-live", "polite");
      input.after(note);
    }
    note.textContent = text;
  }

  function pickIndication(input) {
    const option = chosenOption(input);
    const form = input.form;
    if (!option || !form) return;
    input.value = option.dataset.code;
    if (form.elements.code) form.elements.code.value = option.dataset.indication;
    describeCode(input, option.dataset.description);
  }

  function start(root) {
    if (!(root instanceof Element)) return;
    for (const select of root.querySelectorAll("select[data-trial-kind]")) applyKind(select);
  }

  document.addEventListener("DOMContentLoaded", () => start(document.body));
  document.addEventListener("htmx:load", (event) => start(event.detail.elt));
  for (const type of ["input", "change", "blur"]) {
    document.addEventListener(type, (event) => {
      const target = event.target;
      if (!(target instanceof HTMLElement)) return;
      if (target.matches('input[type="date"]')) markUnreadable(target);
      if (type === "change" && target.matches("select[data-trial-kind]")) applyKind(target);
      if (type !== "blur" && target.matches("[data-medicine-picker]")) pickMedicine(target);
      if (type !== "blur" && target.matches("[data-indication-picker]")) pickIndication(target);
    }, true);
  }
})();
