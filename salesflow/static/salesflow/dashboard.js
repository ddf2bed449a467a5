// The charts of the dashboards and the analyses: each chart spec (insights/charts.py) comes from the page's
// json_script block "dashboard-charts", keyed by the data-chart name of the node it is drawn in (no inline script: see
// the CSP). A click on a bar, slice or point opens the records behind it (the spec's "links").
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
    } else if (spec.type === "scatter") {
      // Bubbles: x and y are numbers, a bubble's area follows its "size" (e.g. an amount), "text" labels it, "hover"
      // adds to its tooltip; "guides" draw dotted reference lines (e.g. a median, a threshold).
      traces = spec.series.map((s) => {
        const sizes = (s.size || []).map((v) => Math.abs(v || 0));
        const biggest = Math.max(0, ...sizes) || 1;
        return {type: "scatter", mode: "markers+text", name: s.name, x: spec.x, y: s.y, text: s.text,
          hovertext: s.hover, customdata: s.links, textposition: "top center", cliponaxis: false,
          marker: {size: sizes.map((v) => 12 + 36 * Math.sqrt(v / biggest)), opacity: 0.6},
          hovertemplate: "%{text}: %{x}, %{y}" + (spec.unit === "percent" ? "%" : "") +
            (s.hover ? " · %{hovertext}" : "") + "<extra></extra>"};
      });
      const guides = spec.guides || {};
      const line = {dash: "dot", color: "#888"};
      const shapes = [];
      if (guides.y !== null && guides.y !== undefined) {
        shapes.push({type: "line", xref: "paper", x0: 0, x1: 1, y0: guides.y, y1: guides.y, line: line});
      }
      if (guides.x !== null && guides.x !== undefined) {
        shapes.push({type: "line", yref: "paper", y0: 0, y1: 1, x0: guides.x, x1: guides.x, line: line});
      }
      extra = {height: 360, showlegend: false, shapes: shapes, xaxis: {title: {text: spec.x_title || ""}},
        yaxis: {title: {text: spec.y_title || ""}}};
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
      // Labels such as "2026-10" are categories, not dates for Plotly to re-tick; long labels widen the margin.
      // A horizontal chart grows with its bars (ten fit the usual height).
      extra = horizontal ? {margin: {l: 110, r: 12, t: 8, b: 40}, height: Math.max(280, 22 * spec.x.length + 60),
        yaxis: {autorange: "reversed", type: "category", automargin: true}, xaxis: valueAxis}
        : {xaxis: {type: "category", automargin: true}, yaxis: valueAxis};
      if (spec.stacked) extra.barmode = "relative";
    }
    if (spec.unit === "percent" && !["gauge", "pie", "funnel"].includes(spec.type)) {
      const values = spec.type === "hbar" ? "xaxis" : "yaxis";
      extra[values] = Object.assign(extra[values] || {}, {ticksuffix: "%"});
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
