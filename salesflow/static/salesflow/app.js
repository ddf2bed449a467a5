// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  const open = document.body.classList.toggle("nav-open");
  toggle.setAttribute("aria-expanded", String(open));
});

// <select data-autosubmit>: submit its form on change (no inline handlers: see the CSP).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});

// Error pages: a "go back" button when there is somewhere to go back to.
document.querySelectorAll("[data-history-back]").forEach((button) => {
  if (window.history.length < 2) return;
  button.hidden = false;
  button.addEventListener("click", () => window.history.back());
});

// Forms: non-blocking warnings while typing (a zero amount, a close date in the past). The server says the same
// after saving, so this is only earlier, never the only place.
function updateFieldWarning(input) {
  let note = input.parentElement.querySelector(".field-warning");
  let text = "";
  if (input.dataset.warnZero && input.value !== "" && Number(input.value) === 0) text = input.dataset.warnZero;
  if (input.dataset.warnPast && input.value) {
    const today = new Date();
    const local = new Date(today.getTime() - today.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    if (input.value < local) text = input.dataset.warnPast;
  }
  if (!text) { if (note) note.remove(); return; }
  if (!note) {
    note = document.createElement("small");
    note.className = "field-warning";
    note.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = text;
}
document.querySelectorAll("[data-warn-zero], [data-warn-past]").forEach((input) => {
  updateFieldWarning(input);
  input.addEventListener("input", () => updateFieldWarning(input));
  input.addEventListener("change", () => updateFieldWarning(input));
});

// Filter panels start collapsed on a phone, so the list is what a person sees first.
if (window.matchMedia("(max-width: 700px)").matches) {
  document.querySelectorAll("details.more-filters[open]").forEach((details) => details.removeAttribute("open"));
}
