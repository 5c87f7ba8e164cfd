// Page behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
//
// Drafts. A form marked data-keep-draft="NAME" is copied to this tab's sessionStorage as it is
// typed. NAME is unique per record, e.g. data-keep-draft="vitals-{{ infusion.pk }}"; a form
// without a NAME keeps no draft. The copy is dropped only when the server confirms the save: the view
// calls clinic.web.drafts.confirm_saved(request, NAME) and the next page carries
// <body data-saved-forms="NAME …"> (an htmx partial answering a save may carry
// data-saved-forms="NAME" on any element instead). A submit that meets the idle timeout is never
// confirmed, so after signing in again the form comes back with what was typed. Signing out on
// purpose drops every draft, so the next person at a shared tablet finds none.
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

  const draftKey = (name) => "draft:" + name;
  const formDraftKey = (form) => draftKey(form.dataset.keepDraft);
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

  function save(form) {
    try { sessionStorage.setItem(formDraftKey(form), JSON.stringify(read(form))); }
    catch (error) { /* storage full or switched off: the form still works, without a draft */ }
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
    if (raw && write(form, JSON.parse(raw))) offerDiscard(form);
    form.addEventListener("input", () => save(form));
    form.addEventListener("change", () => save(form));
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
  }

  document.addEventListener("DOMContentLoaded", () => start(document.body));
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
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (button) copyText(button);
  });
})();
