// The dashboard's charts: each panel's chart spec comes from the page's json_script block (no inline script: see the
// CSP). A click on a bar, slice or point opens the records behind it (the spec's "links").
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-charts");
  if (!source || typeof Plotly === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const palette = {green: "#16a34a", yellow: "#d97706", red: "#dc2626"};
  const config = {displayModeBar: false, responsive: true};
  const layout = (extra) => Object.assign({margin: {l: 48, r: 12, t: 8, b: 40}, height: 280,
    legend: {orientation: "h", y: -0.2}, font: {size: 11}}, extra);
  document.querySelectorAll("[data-chart]").forEach((node) => {
    const spec = charts[node.dataset.chart];
    if (!spec) return;
    let traces;
    let extra = {};
    // A money axis counts in the unit the server chose (万 / 亿, ¥K / ¥M), with plain digits for its ticks.
    const axis = spec.axis || {divisor: 1, title: ""};
    const scale = (values) => values.map((v) => (v === null ? null : v / axis.divisor));
    const valueAxis = {title: {text: axis.title}, tickformat: ",~f"};
    if (spec.type === "gauge") {
      traces = [{type: "indicator", mode: "gauge+number", value: spec.value, number: {suffix: "%"},
        gauge: {axis: {range: [0, Math.max(120, spec.value || 0)]}, bar: {color: palette[spec.colour] || "#1f5eff"},
          threshold: {line: {color: "#334155", width: 3}, value: spec.reference}}}];
      extra = {margin: {l: 24, r: 24, t: 16, b: 8}, height: 220};
    } else if (spec.type === "pie") {
      const s = spec.series[0];
      traces = [{type: "pie", labels: spec.x, values: s.y, customdata: s.links, hole: 0.45, textinfo: "percent"}];
    } else if (spec.type === "funnel") {
      const s = spec.series[0];
      traces = [{type: "funnel", y: spec.x, x: scale(s.y), text: s.text, customdata: s.links, textinfo: "text",
        hovertemplate: "%{y}: %{x:,~f} " + axis.title + " (%{text})<extra></extra>"}];
      extra = {margin: {l: 110, r: 12, t: 8, b: 24}};
    } else {
      const horizontal = spec.type === "hbar";
      traces = spec.series.map((s) => {
        const trace = {name: s.name, customdata: s.links};
        const y = scale(s.y);
        if (spec.type === "line") Object.assign(trace, {type: "scatter", mode: "lines+markers", x: spec.x, y: y});
        else if (horizontal) Object.assign(trace, {type: "bar", orientation: "h", y: spec.x, x: y});
        else Object.assign(trace, {type: "bar", x: spec.x, y: y});
        if (s.colours) trace.marker = {color: s.colours.map((c) => palette[c] || "#1f5eff")};
        return trace;
      });
      // Labels such as "2026-10" are categories, not dates for Plotly to re-tick.
      extra = horizontal ? {margin: {l: 110, r: 12, t: 8, b: 40}, yaxis: {autorange: "reversed", type: "category"},
        xaxis: valueAxis} : {xaxis: {type: "category"}, yaxis: valueAxis};
      if (spec.unit === "percent") extra.yaxis = Object.assign(extra.yaxis || {}, {ticksuffix: "%"});
    }
    Plotly.newPlot(node, traces, layout(extra), config).then(() => {
      node.on("plotly_click", (event) => {
        let link = event.points && event.points[0] && event.points[0].customdata;
        if (Array.isArray(link)) link = link[0];
        if (typeof link === "string" && link) window.location.assign(link);
      });
    });
  });
});
