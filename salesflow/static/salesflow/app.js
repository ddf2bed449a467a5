// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  const open = document.body.classList.toggle("nav-open");
  toggle.setAttribute("aria-expanded", String(open));
});

// Error pages: a "go back" button when there is somewhere to go back to.
document.querySelectorAll("[data-history-back]").forEach((button) => {
  if (window.history.length < 2) return;
  button.hidden = false;
  button.addEventListener("click", () => window.history.back());
});
