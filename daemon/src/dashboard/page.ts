// The dashboard page: one self-contained HTML file (inline CSS and JS, SVG drawn by hand, no
// external asset) so it works on a management network with no internet. It reads /api/events:
// a `snapshot` event on each (re)connection, then a `point` per sample. Host names come from
// peers, so the script only ever inserts them as text.
// The inner script avoids backquotes and dollar-brace so it can live in this template string.
export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley: load per host</title>
<style>
  :root { --fg: #1d2430; --muted: #6b7480; --grid: #e6e9ee; --band: #e3f3e6; --bg: #fbfcfd; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 18px; padding: 14px 20px 4px; }
  h1 { font-size: 18px; margin: 0; font-weight: 600; }
  .meta { color: var(--muted); }
  #status.live::before { content: "\25CF "; color: #2a9d4b; }
  #status.down::before { content: "\25CF "; color: #c0392b; }
  main { display: flex; flex-wrap: wrap; gap: 12px 24px; padding: 6px 20px 20px; align-items: flex-start; }
  #chart { flex: 1 1 640px; min-width: 320px; max-width: 1100px; height: auto; background: #fff; border: 1px solid var(--grid); border-radius: 6px; }
  #chart text { font-size: 11px; fill: var(--muted); }
  #chart .grid { stroke: var(--grid); stroke-width: 1; }
  #chart .axis { stroke: #9aa3ad; stroke-width: 1; }
  #chart .band { fill: var(--band); }
  #chart .band-edge { stroke: #7fbf8e; stroke-dasharray: 4 3; stroke-width: 1; }
  #chart .mean { stroke: #7fbf8e; stroke-width: 1; }
  #chart polyline { fill: none; stroke-width: 2; stroke-linejoin: round; }
  #chart polyline.cordoned { stroke-dasharray: 6 4; }
  aside { flex: 0 1 300px; min-width: 240px; }
  aside h2 { font-size: 13px; font-weight: 600; margin: 4px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
  #legend { list-style: none; margin: 0; padding: 0; }
  #legend li { display: grid; grid-template-columns: 14px 1fr auto; gap: 2px 8px; align-items: center; padding: 5px 0; border-bottom: 1px solid var(--grid); }
  #legend .swatch { width: 14px; height: 4px; border-radius: 2px; }
  #legend .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #legend .pct { font-variant-numeric: tabular-nums; text-align: right; }
  #legend .pct.out { color: #c0392b; font-weight: 600; }
  #legend .detail { grid-column: 2 / 4; color: var(--muted); font-size: 12px; }
  #legend li.stale { opacity: .5; }
  #empty { color: var(--muted); }
</style>
</head>
<body>
<header>
  <h1>Load per host, % of the cluster mean</h1>
  <span class="meta" id="summary"></span>
  <span class="meta" id="status">connecting…</span>
</header>
<main>
  <svg id="chart" viewBox="0 0 960 440" role="img" aria-label="load of each host in percent of the cluster mean over time"></svg>
  <aside>
    <h2>Hosts</h2>
    <ul id="legend"></ul>
    <p id="empty">No load reports yet: this host runs no IM, or its peers have not reported.</p>
  </aside>
</main>
<script>
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var W = 960, H = 440, M = { l: 48, r: 16, t: 14, b: 30 };
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#ad494a"];
  var state = { band: [80, 120], windowMs: 600000, intervalMs: 1000, self: "", now: 0, mean: 0, hosts: new Map() };
  var chart = document.getElementById("chart");
  var legend = document.getElementById("legend");

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  // A colour per host, kept for the page's life: hosts get the palette in the order they first
  // appear (the legend order of the first snapshot), so a small cluster never shares a colour.
  var colours = new Map();
  function colour(id) {
    if (!colours.has(id)) colours.set(id, PALETTE[colours.size % PALETTE.length]);
    return colours.get(id);
  }
  function clock(t) {
    var d = new Date(t);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }
  function niceStep(span, ticks) {
    var raw = span / ticks, steps = [1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= raw) return steps[i];
    return steps[steps.length - 1];
  }

  function setHost(h) {
    var cur = state.hosts.get(h.id);
    if (!cur) { cur = { id: h.id, series: [] }; state.hosts.set(h.id, cur); }
    cur.name = h.name; cur.load = h.load; cur.cpus = h.cpus; cur.cordoned = h.cordoned; cur.self = h.self;
    return cur;
  }
  function onSnapshot(s) {
    state.band = s.band; state.windowMs = s.windowMs; state.intervalMs = s.intervalMs; state.self = s.self; state.now = s.now;
    state.hosts = new Map();
    s.hosts.forEach(function (h) { setHost(h).series = h.series.slice(); });
    draw();
  }
  function onPoint(p) {
    state.now = p.t; state.mean = p.mean;
    p.hosts.forEach(function (h) { setHost(h).series.push([p.t, h.pct]); });
    var horizon = p.t - state.windowMs;
    state.hosts.forEach(function (h, id) {
      while (h.series.length && h.series[0][0] < horizon) h.series.shift();
      if (!h.series.length) state.hosts.delete(id);
    });
    draw();
  }

  function sortedHosts() {
    return Array.from(state.hosts.values()).sort(function (a, b) {
      if (a.self !== b.self) return a.self ? -1 : 1;
      return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
    });
  }

  function draw() {
    var hosts = sortedHosts();
    var t1 = state.now, t0 = t1;
    var top = 180;
    hosts.forEach(function (h) {
      h.series.forEach(function (p) { if (p[0] < t0) t0 = p[0]; if (p[1] > top) top = p[1]; });
    });
    // At least a minute on screen, so the first seconds do not stretch across the whole width.
    if (t1 - t0 < 60000) t0 = t1 - 60000;
    // Headroom above the highest line, so a host at the top is not drawn on the frame.
    top = Math.ceil(top * 1.1 / 50) * 50;
    var pw = W - M.l - M.r, ph = H - M.t - M.b;
    function x(t) { return M.l + (t - t0) / (t1 - t0) * pw; }
    function y(v) { return M.t + (1 - v / top) * ph; }

    while (chart.firstChild) chart.removeChild(chart.firstChild);
    el("rect", { class: "band", x: M.l, y: y(state.band[1]), width: pw, height: y(state.band[0]) - y(state.band[1]) }, chart);
    var yStep = top > 400 ? 100 : 50;
    for (var v = 0; v <= top; v += yStep) {
      el("line", { class: "grid", x1: M.l, x2: W - M.r, y1: y(v), y2: y(v) }, chart);
      el("text", { x: M.l - 6, y: y(v) + 4, "text-anchor": "end" }, chart).textContent = v + " %";
    }
    var step = niceStep(t1 - t0, 6);
    for (var t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      el("line", { class: "grid", x1: x(t), x2: x(t), y1: M.t, y2: H - M.b }, chart);
      el("text", { x: x(t), y: H - M.b + 16, "text-anchor": "middle" }, chart).textContent = clock(t);
    }
    [state.band[0], state.band[1]].forEach(function (b) { el("line", { class: "band-edge", x1: M.l, x2: W - M.r, y1: y(b), y2: y(b) }, chart); });
    el("line", { class: "mean", x1: M.l, x2: W - M.r, y1: y(100), y2: y(100) }, chart);
    el("line", { class: "axis", x1: M.l, x2: M.l, y1: M.t, y2: H - M.b }, chart);
    el("line", { class: "axis", x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }, chart);

    hosts.forEach(function (h) {
      var pts = h.series.map(function (p) { return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1); }).join(" ");
      var last = h.series.length ? h.series[h.series.length - 1][1] : NaN;
      var line = el("polyline", { points: pts, stroke: colour(h.id), class: "host-line" + (h.cordoned ? " cordoned" : ""), "data-host": h.id, "data-last": last }, chart);
      el("title", {}, line).textContent = h.name;
    });
    drawLegend(hosts);
  }

  function drawLegend(hosts) {
    var lo = state.band[0], hi = state.band[1], out = 0;
    while (legend.firstChild) legend.removeChild(legend.firstChild);
    hosts.forEach(function (h) {
      var last = h.series.length ? h.series[h.series.length - 1] : null;
      var pct = last ? last[1] : NaN;
      var outside = !(pct >= lo && pct <= hi);
      if (outside) out++;
      var li = html("li", "", undefined, legend);
      li.setAttribute("data-host", h.id);
      if (last && state.now - last[0] > 3 * state.intervalMs) li.classList.add("stale");
      html("span", "swatch", undefined, li).style.background = colour(h.id);
      html("span", "name", h.name + (h.self ? " (this host)" : ""), li).title = h.id;
      html("span", "pct" + (outside ? " out" : ""), isNaN(pct) ? "–" : Math.round(pct) + " %", li);
      var cores = h.cpus ? " · " + (h.load * h.cpus).toFixed(2) + " of " + h.cpus + " cores" : "";
      html("span", "detail", "CPU " + Math.round(h.load * 100) + " %" + cores + (h.cordoned ? " · cordoned" : ""), li);
    });
    document.getElementById("empty").style.display = hosts.length ? "none" : "";
    document.getElementById("summary").textContent = hosts.length + " host" + (hosts.length === 1 ? "" : "s") + ", " + out + " out of the " + lo + "–" + hi + " % band";
  }

  function connect() {
    var status = document.getElementById("status");
    var es = new EventSource("api/events");
    es.addEventListener("snapshot", function (e) { onSnapshot(JSON.parse(e.data)); });
    es.addEventListener("point", function (e) { onPoint(JSON.parse(e.data)); status.textContent = "live, " + clock(state.now); status.className = "meta live"; });
    es.onerror = function () { status.textContent = "disconnected; retrying"; status.className = "meta down"; };
  }
  connect();
})();
</script>
</body>
</html>
`
