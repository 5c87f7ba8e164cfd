// Page behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
//
// Drafts. A form marked data-keep-draft="NAME" is copied to this tab's sessionStorage as it is
// typed, under the signed-in user and NAME. NAME is unique per form and record, e.g.
// data-keep-draft="vitals-{{ infusion.pk }}", and ends in "-new" for a form that creates a record; a
// form without a NAME keeps no draft. The copy is dropped when the server confirms the save: the view
// calls clinic.web.drafts.confirm_saved(request, NAME) and the next page carries
// <body data-saved-forms="NAME …"> (an htmx partial answering a save may carry
// data-saved-forms="NAME" on any element instead). A draft comes back only to the same form, for the
// same record and the same user, with a note offering to discard it. A form for a new record comes back
// only when it was sent and no answer came (a submit that met the idle timeout), never from an entry
// abandoned earlier, so a new registration never starts pre-filled. Cancel (a link in the form's
// .actions) discards the draft, and signing out drops every draft, so the next person at a shared
// tablet finds none.
//
// Error summaries. A form answered with errors starts with a summary (web/_form_errors.html,
// data-error-summary) listing each error with a link to its field; the summary takes the focus, so
// a screen reader reads it and a keyboard user is one Tab from the first field to fix.
//
// Tables. A table wider than its .table-wrap scrolls inside it; while it does, the wrapper takes the
// keyboard focus (arrow keys scroll it) and is named after the table's caption or the heading above.
//
// Exclusive choices. In a <fieldset data-exclusive-group>, ticking the box valued "none" ("None of
// these") unticks the others, and ticking another unticks it; the server still refuses both ticked.
//
// Polls. A request htmx makes on its own (hx-trigger="every 30s", "load", or an event a script
// fired) carries the X-Clinic-Poll header, which the server does not count as activity, so a
// live page left open does not keep a login alive. A live page needs no extra markup for its
// timers; to mark any other request as a poll, give its element
// hx-headers='{"X-Clinic-Poll": "1"}'.
//
// Copy buttons. <button type="button" data-copy="#element-id"> copies that element's text.
// Confirmations. <form data-confirm="Question?"> asks before it is sent (deactivations,
// revocations); without the script the form is sent straight away, so the server must still check.
(function () {
  "use strict";
  const POLL_HEADER = "X-Clinic-Poll";
  const NOT_KEPT = new Set(["password", "file", "hidden", "submit", "button", "reset", "image"]);

  const user = () => document.body.dataset.user || "";
  const draftKey = (name) => "draft:" + user() + ":" + name;
  const formDraftKey = (form) => draftKey(form.dataset.keepDraft);
  const isNewRecord = (form) => form.dataset.keepDraft.endsWith("-new");
  const keptFields = (form) => Array.from(form.elements).filter((el) => el.name && !NOT_KEPT.has(el.type));
  const isChoice = (el) => el.type === "checkbox" || el.type === "radio";

  function read(form) {
    const data = {};
    for (const el of keptFields(form)) {
      if (isChoice(el)) {
        // Every group is recorded, even with nothing ticked, so unticking survives too.
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else if (el.type === "select-multiple") {
        data[el.name] = Array.from(el.selectedOptions, (option) => option.value);
      } else {
        data[el.name] = [el.value];
      }
    }
    return data;
  }

  // Put the draft back; true when anything on the page differed from it.
  function write(form, data) {
    let differed = false;
    const set = (target, property, value) => {
      if (target[property] !== value) { target[property] = value; differed = true; }
    };
    for (const el of keptFields(form)) {
      const values = data[el.name];
      if (!values) continue;
      if (isChoice(el)) set(el, "checked", values.includes(el.value));
      else if (el.type === "select-multiple") {
        for (const option of el.options) set(option, "selected", values.includes(option.value));
      } else set(el, "value", values[0] || "");
    }
    return differed;
  }

  function save(form, sent) {
    try {
      sessionStorage.setItem(formDraftKey(form), JSON.stringify({ values: read(form), sent: Boolean(sent) }));
    } catch (error) { /* storage full or switched off: the form still works, without a draft */ }
  }

  function discard(form) {
    sessionStorage.removeItem(formDraftKey(form));
  }

  function offerDiscard(form) {
    const note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    note.textContent = "What you typed earlier, not yet saved, is back in this form. ";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = "Discard it";
    discard.addEventListener("click", () => {
      sessionStorage.removeItem(formDraftKey(form));
      form.reset();
      note.remove();
    });
    note.append(discard);
    form.prepend(note);
  }

  function keepDraft(form) {
    if (form.dataset.draftBound || !form.dataset.keepDraft) return;
    form.dataset.draftBound = "1";
    const raw = sessionStorage.getItem(formDraftKey(form));
    const draft = raw ? JSON.parse(raw) : null;
    if (form.querySelector("[data-error-summary]")) {
      // The server answered the submit with this form: what it shows is what was typed.
      save(form, false);
    } else if (draft && (draft.sent || !isNewRecord(form))) {
      if (write(form, draft.values || {})) offerDiscard(form);
    } else if (draft) {
      discard(form);
    }
    form.addEventListener("input", () => save(form, false));
    form.addEventListener("change", () => save(form, false));
    form.addEventListener("submit", () => save(form, true));
    for (const link of form.querySelectorAll(".actions a")) {
      link.addEventListener("click", () => discard(form));
    }
  }

  function dropSavedDrafts(root) {
    const marked = Array.from(root.querySelectorAll("[data-saved-forms]"));
    if (root.matches("[data-saved-forms]")) marked.push(root);
    for (const el of marked) {
      for (const name of el.dataset.savedForms.split(/\s+/)) {
        if (name) sessionStorage.removeItem(draftKey(name));
      }
    }
  }

  function copyText(button) {
    const source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(() => {
      button.textContent = "Copied";
    });
  }

  function start(root) {
    if (!(root instanceof Element)) return;
    // Confirmed saves first, so a fresh form after a save is not refilled with the old draft.
    dropSavedDrafts(root);
    const forms = Array.from(root.querySelectorAll("form[data-keep-draft]"));
    if (root.matches("form[data-keep-draft]")) forms.push(root);
    forms.forEach(keepDraft);
    const summary = root.querySelector("[data-error-summary]") || (root.matches("[data-error-summary]") ? root : null);
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  function tableName(wrap) {
    const table = wrap.querySelector("table");
    const caption = table && table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    const section = wrap.closest("section, form, main");
    const heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "Table";
  }

  function reachTables(root) {
    for (const wrap of root.querySelectorAll(".table-wrap")) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", tableName(wrap));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  function exclusiveChoice(box) {
    const group = box.closest("fieldset[data-exclusive-group]");
    if (!group || !box.checked) return;
    for (const other of group.querySelectorAll("input[type=checkbox]")) {
      if (other !== box && (box.value === "none" || other.value === "none")) other.checked = false;
    }
    // Let the draft see the boxes just unticked.
    if (box.form) box.form.dispatchEvent(new Event("input"));
  }

  document.addEventListener("DOMContentLoaded", () => { start(document.body); reachTables(document); });
  document.addEventListener("htmx:afterSettle", () => reachTables(document));
  window.addEventListener("resize", () => reachTables(document));
  document.addEventListener("htmx:load", (event) => start(event.detail.elt));
  document.addEventListener("htmx:configRequest", (event) => {
    const cause = event.detail.triggeringEvent;
    if (!(cause && cause.isTrusted)) event.detail.headers[POLL_HEADER] = "1";
  });
  function dropAllDrafts() {
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith("draft:")) sessionStorage.removeItem(key);
    }
  }

  document.addEventListener("submit", (event) => {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    if (event.target.matches("form.signout")) dropAllDrafts();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("fieldset[data-exclusive-group] input[type=checkbox]")) exclusiveChoice(event.target);
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (button) copyText(button);
  });
})();
