// The funnel chart: its data comes from the page's json_script block (no inline script: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("funnel-data");
  if (!source || typeof Plotly === "undefined") return;
  const data = JSON.parse(source.textContent);
  Plotly.newPlot("funnel-chart", [{type: "funnel", y: data.stages, x: data.amounts, text: data.counts.map(String),
    textinfo: "value+text", hovertemplate: "%{y}: %{x:,.0f} ¥ (%{text})<extra></extra>"}],
    {margin: {l: 120, r: 20, t: 10, b: 30}, height: 320}, {displayModeBar: false, responsive: true});
});
