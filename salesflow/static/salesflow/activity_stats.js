// The activity statistics chart: visits planned, visits done and follow-ups per rep or team, grouped bars.
// Its data comes from the page's json_script block (no inline script: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("stats-data");
  const target = document.getElementById("stats-chart");
  if (!source || !target || typeof Plotly === "undefined") return;
  const data = JSON.parse(source.textContent);
  const traces = data.series.map((s) => ({type: "bar", name: s.name, x: data.labels, y: s.values}));
  Plotly.newPlot(target, traces, {barmode: "group", height: 320, margin: {l: 40, r: 10, t: 10, b: 80},
    legend: {orientation: "h", y: 1.12}}, {displayModeBar: false, responsive: true});
});
