// Analyses charts: each <div data-plotly="ID"> draws the Plotly figure in the json_script block ID (no inline script).
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("[data-plotly]").forEach((el) => {
    const source = document.getElementById(el.dataset.plotly);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, {displayModeBar: false, responsive: true});
  });
});
