// Keeps what was typed in a form when the login times out: drafts live in this tab's
// sessionStorage until the form is sent, and come back after signing in again.
(function () {
  "use strict";
  const key = (form) => "draft:" + location.pathname + ":" + (form.getAttribute("action") || "");
  function save(form) {
    const data = {};
    for (const el of form.elements) {
      if (!el.name || el.type === "password" || el.type === "file" || el.name === "csrfmiddlewaretoken") continue;
      if ((el.type === "checkbox" || el.type === "radio")) { if (el.checked) (data[el.name] ||= []).push(el.value); continue; }
      data[el.name] = [el.value];
    }
    sessionStorage.setItem(key(form), JSON.stringify(data));
  }
  function restore(form) {
    const raw = sessionStorage.getItem(key(form));
    if (!raw) return;
    const data = JSON.parse(raw);
    for (const el of form.elements) {
      if (!(el.name in data) || el.type === "password" || el.type === "file") continue;
      if (el.type === "checkbox" || el.type === "radio") el.checked = data[el.name].includes(el.value);
      else if (!el.value) el.value = data[el.name][0];
    }
  }
  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form[data-keep-draft]")) {
      restore(form);
      form.addEventListener("input", () => save(form));
      form.addEventListener("submit", () => sessionStorage.removeItem(key(form)));
    }
  });
})();
