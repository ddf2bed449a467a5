// Drag and drop for the kanban board. Without JavaScript every card still has its own "Move to" form.
// A drop submits that same form through htmx, so the server enforces the exit criteria and the version.
(function () {
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".kanban-card");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });
  document.addEventListener("dragover", (event) => {
    if (!dragged || !event.target.closest(".column")) return;
    event.preventDefault();  // allows the drop
    event.dataTransfer.dropEffect = "move";
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest(".column");
    if (!dragged || !column) return;
    event.preventDefault();
    const form = dragged.querySelector(".move-form");
    form.querySelector("select[name=stage]").value = column.dataset.stage;
    dragged = null;
    if (window.htmx) window.htmx.trigger(form, "submit"); else form.submit();
  });
  document.addEventListener("dragend", () => { dragged = null; });
})();
