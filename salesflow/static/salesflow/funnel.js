// The funnel chart: its data comes from the page's json_script block (no inline script: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("funnel-data");
  if (!source || typeof Plotly === "undefined") return;
  const data = JSON.parse(source.textContent);
  // Amount labels come from the table rows, formatted by the server's one money filter.
  const shortAmounts = Array.from(document.querySelectorAll("[data-testid=funnel-table] tbody tr"),
    (tr) => tr.dataset.amountShort);
  Plotly.newPlot("funnel-chart", [{type: "funnel", y: data.stages, x: data.amounts, text: shortAmounts,
    textinfo: "text", customdata: data.counts, hovertemplate: "%{y}: %{text} (%{customdata})<extra></extra>"}],
    {margin: {l: 120, r: 20, t: 10, b: 30}, height: 320}, {displayModeBar: false, responsive: true});
});
