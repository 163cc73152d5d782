/**
 * The dashboard's HTML pages, generated here with their CSS and JavaScript inline (no build step,
 * nothing fetched from elsewhere). The run page draws its curves as inline SVG from the run's JSON
 * state: a live page receives the whole state as the first server-sent event (so a reload starts
 * over from the server) and then one event per batch/epoch; a finished run's page fetches the
 * state once (and polls while another process is still writing it).
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that is safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;--train:#1f77b4;--batch:#9ecae9;--val:#ff7f0e;--ok:#12805c;--bad:#c4320a}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:var(--card);border-bottom:1px solid var(--line);padding:14px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0;font-weight:600}main{padding:18px 24px;max-width:1280px}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-size:12px;font-weight:600;background:#eef4ff;color:#3538cd}
.badge.finished{background:#ecfdf3;color:var(--ok)}.badge.interrupted{background:#fef3f2;color:var(--bad)}
.muted{color:var(--muted)}.info span{margin-right:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin-bottom:16px}
.card h2{font-size:15px;margin:0 0 10px;font-weight:600}
.bar{height:8px;background:var(--line);border-radius:4px;overflow:hidden;margin-top:6px}.bar>div{height:100%;background:var(--train);transition:width .2s}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px}
.chart svg{width:100%;height:auto;display:block}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 12px;text-align:right;border-bottom:1px solid var(--line)}th{font-weight:600}
pre{font:12px/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;overflow:auto;margin:0}
.samples{display:flex;flex-wrap:wrap;gap:12px}.samples figure{margin:0;width:112px;text-align:center;font-size:12px}
.samples img{width:112px;height:112px;image-rendering:pixelated;border:1px solid var(--line);background:#000;object-fit:contain}
.samples .ok{color:var(--ok)}.samples .bad{color:var(--bad)}
a{color:#175cd3}.files img{max-width:100%;border:1px solid var(--line);margin-top:8px}
`;

const RUN_SCRIPT = String.raw`
"use strict";
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
let state = null;
let connection = CONFIG.live ? "connecting" : "";
let timer = null;

function schedule() {
  if (timer === null) timer = setTimeout(() => { timer = null; render(); }, 80);
}

function fmt(v) {
  if (!Number.isFinite(v)) return "";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function niceTicks(lo, hi, n) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
  const step = (f >= 7.5 ? 10 : f >= 3.5 ? 5 : f >= 1.5 ? 2 : 1) * mag;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function metricGroups() {
  const keys = new Set();
  for (const e of state.epochs) for (const k of Object.keys(e.logs)) keys.add(k.replace(/^val_/, ""));
  for (const b of state.batches) for (const k of Object.keys(b.logs)) keys.add(k);
  const list = [...keys].sort();
  return list.includes("loss") ? ["loss", ...list.filter((k) => k !== "loss")] : list;
}

function chart(metric) {
  const W = 560, H = 310, L = 58, R = 16, T = 50, B = 44;
  const series = [
    { name: metric + " per batch (running mean)", color: "#9ecae9", width: 1.4, dots: false,
      pts: state.batches.filter((b) => metric in b.logs).map((b) => [b.x, b.logs[metric]]) },
    { name: metric, color: "#1f77b4", width: 2.2, dots: true,
      pts: state.epochs.filter((e) => metric in e.logs).map((e) => [e.epoch + 1, e.logs[metric]]) },
    { name: "val_" + metric, color: "#ff7f0e", width: 2.2, dots: true,
      pts: state.epochs.filter((e) => ("val_" + metric) in e.logs).map((e) => [e.epoch + 1, e.logs["val_" + metric]]) },
  ].filter((s) => s.pts.length > 0);
  const all = series.flatMap((s) => s.pts);
  const total = all.length;
  let x1 = Math.max(state.progress.epochs || 1, ...all.map((p) => p[0]));
  let y0 = Math.min(...all.map((p) => p[1])), y1 = Math.max(...all.map((p) => p[1]));
  if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
  if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
  const pad = (y1 - y0) * 0.06; y0 -= pad; y1 += pad;
  const yt = niceTicks(y0, y1, 5); y0 = Math.min(y0, yt[0]); y1 = Math.max(y1, yt[yt.length - 1]);
  const xt = niceTicks(0, x1, Math.min(10, Math.max(2, Math.ceil(x1))));
  const sx = (x) => L + (x / x1) * (W - L - R), sy = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  let svg = '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(metric) + ' per epoch" data-points="' + total + '" data-metric="' + esc(metric) + '">';
  svg += '<text x="' + W / 2 + '" y="18" text-anchor="middle" font-size="14" font-weight="600">' + esc(metric) + "</text>";
  for (const t of yt) svg += '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + sy(t) + '" y2="' + sy(t) + '" stroke="#eaecf0"/><text x="' + (L - 6) + '" y="' + (sy(t) + 4) + '" text-anchor="end" font-size="11" fill="#475467">' + fmt(t) + "</text>";
  for (const t of xt) svg += '<line x1="' + sx(t) + '" x2="' + sx(t) + '" y1="' + (H - B) + '" y2="' + (H - B + 4) + '" stroke="#667085"/><text x="' + sx(t) + '" y="' + (H - B + 17) + '" text-anchor="middle" font-size="11" fill="#475467">' + fmt(t) + "</text>";
  svg += '<rect x="' + L + '" y="' + T + '" width="' + (W - L - R) + '" height="' + (H - T - B) + '" fill="none" stroke="#98a2b3"/>';
  svg += '<text x="' + ((L + W - R) / 2) + '" y="' + (H - 8) + '" text-anchor="middle" font-size="12" fill="#344054">epoch</text>';
  for (const s of series) {
    const d = s.pts.map((p, i) => (i ? "L" : "M") + sx(p[0]).toFixed(1) + " " + sy(p[1]).toFixed(1)).join("");
    svg += '<path class="series" data-series="' + esc(s.name) + '" data-count="' + s.pts.length + '" d="' + d + '" fill="none" stroke="' + s.color + '" stroke-width="' + s.width + '" stroke-linejoin="round"/>';
    if (s.dots) for (const p of s.pts) svg += '<circle cx="' + sx(p[0]).toFixed(1) + '" cy="' + sy(p[1]).toFixed(1) + '" r="3" fill="' + s.color + '"/>';
  }
  // The legend is a row between the title and the plot, so it never hides a curve.
  let lx = L;
  for (const s of series) {
    svg += '<line x1="' + lx + '" x2="' + (lx + 18) + '" y1="36" y2="36" stroke="' + s.color + '" stroke-width="3"/><text x="' + (lx + 23) + '" y="40" font-size="11">' + esc(s.name) + "</text>";
    lx += 23 + 6.2 * s.name.length + 16;
  }
  return svg + "</svg>";
}

function render() {
  if (!state) return;
  document.title = state.title + " · lamina";
  document.body.dataset.status = state.status;
  document.body.dataset.batches = String(state.batches.length);
  document.body.dataset.epochs = String(state.epochs.length);
  $("title").textContent = state.title;
  const badge = $("status");
  badge.textContent = state.status;
  badge.className = "badge " + state.status;
  $("connection").textContent = connection;
  const info = Object.entries(Object.assign({ model: state.model, started: new Date(state.startedAt).toLocaleString() }, state.info));
  $("info").innerHTML = info.filter((kv) => kv[1]).map((kv) => "<span><b>" + esc(kv[0]) + "</b> " + esc(kv[1]) + "</span>").join("");
  const p = state.progress;
  const done = p.steps ? p.epoch + p.batch / p.steps : p.epoch;
  const frac = p.epochs ? Math.min(1, state.status === "running" ? done / p.epochs : state.epochs.length / p.epochs) : 0;
  const shownEpoch = Math.min(p.epoch + (state.status === "running" ? 1 : 0), p.epochs);
  $("progress-text").textContent = "epoch " + shownEpoch + "/" + p.epochs +
    (state.status === "running" ? " · batch " + p.batch + "/" + (p.steps ?? "?") : "") + " · " + Math.round(p.elapsed) + " s";
  $("progress-bar").style.width = (100 * frac).toFixed(1) + "%";
  $("charts").innerHTML = metricGroups().map((m) => '<div class="chart" id="chart-' + esc(m) + '">' + chart(m) + "</div>").join("") ||
    '<p class="muted">The curves appear after the first batch.</p>';
  const keys = [...new Set(state.epochs.flatMap((e) => Object.keys(e.logs)))].sort();
  $("epochs").innerHTML = state.epochs.length === 0 ? '<p class="muted">No epoch finished yet.</p>' :
    "<table><tr><th>epoch</th>" + keys.map((k) => "<th>" + esc(k) + "</th>").join("") + "</tr>" +
    state.epochs.map((e) => "<tr><td>" + (e.epoch + 1) + "</td>" + keys.map((k) => "<td>" + fmt(e.logs[k]) + "</td>").join("") + "</tr>").join("") + "</table>";
  $("summary").textContent = state.summary || "(no summary)";
  const s = state.samples;
  $("samples-card").hidden = !s;
  if (s) {
    const name = (i) => (i === null || i === undefined ? "?" : s.classNames && s.classNames[i] !== undefined ? s.classNames[i] : String(i));
    $("samples-epoch").textContent = "after epoch " + (s.epoch + 1);
    $("samples").innerHTML = s.items.map((it) => {
      const ok = it.label === null || it.label === it.predicted;
      return "<figure>" + (it.image ? '<img alt="sample" src="' + it.image + '">' : "") + '<figcaption class="' + (ok ? "ok" : "bad") + '">' +
        esc(name(it.predicted)) + " (" + Math.round(100 * it.score) + "%)" + (it.label === null ? "" : "<br><span class=muted>true: " + esc(name(it.label)) + "</span>") + "</figcaption></figure>";
    }).join("");
  }
  const files = state.files || [];
  $("files-card").hidden = files.length === 0;
  $("files").innerHTML = files.map((f) => '<a href="files/' + encodeURIComponent(f) + '">' + esc(f) + "</a>").join(" · ") +
    files.filter((f) => /\.png$/.test(f)).sort((a, b) => pngRank(a) - pngRank(b)).map((f) => '<div><img alt="' + esc(f) + '" src="files/' + encodeURIComponent(f) + '"></div>').join("");
}

/** Figures of a run folder in reading order: curves, samples, confusion matrix, then any others. */
function pngRank(name) {
  const i = ["history.png", "samples.png", "confusion.png"].indexOf(name);
  return i < 0 ? 99 : i;
}

function live() {
  const es = new EventSource(CONFIG.api + "events");
  const on = (type, f) => es.addEventListener(type, (ev) => { f(JSON.parse(ev.data)); schedule(); });
  es.onopen = () => { connection = "live"; schedule(); };
  es.onerror = () => {
    if (state && state.status !== "running") { es.close(); connection = "training ended; the server has stopped"; }
    else connection = "connection lost; retrying";
    schedule();
  };
  on("snapshot", (d) => { state = d; });
  on("batch", (d) => { if (state) { state.batches.push(d.point); state.progress = d.progress; } });
  on("epoch", (d) => { if (state) { state.epochs.push(d.point); state.progress = d.progress; } });
  on("samples", (d) => { if (state) state.samples = d; });
  on("status", (d) => { if (state) { state.status = d.status; state.finishedAt = d.finishedAt; state.progress = d.progress; } });
}

async function fetchState() {
  try {
    const r = await fetch(CONFIG.api + "run", { cache: "no-store" });
    if (!r.ok) throw new Error(r.status + " " + r.statusText);
    state = await r.json();
    connection = state.status === "running" ? "read from the run folder; refreshing every 3 s" : "";
  } catch (e) {
    connection = "cannot read the run: " + e.message;
  }
  render();
  if (!state || state.status === "running") setTimeout(fetchState, 3000);
}

if (CONFIG.live) live(); else fetchState();
`;

export interface RunPageOptions {
  title: string;
  /** Live pages listen to server-sent events; others fetch the stored state. */
  live: boolean;
  /** Link back to the list of runs, when served by `lamina dashboard`. */
  backLink?: string;
}

/** The page of one run; its API lives at `api/` relative to the page's own URL. */
export function runPage(opts: RunPageOptions): string {
  const config = scriptJson({ live: opts.live, api: "api/" });
  const back = opts.backLink ? `<a href="${escapeHtml(opts.backLink)}">all runs</a>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(opts.title)} · lamina</title><style>${STYLE}</style></head>
<body data-status="loading">
<header><h1 id="title">${escapeHtml(opts.title)}</h1><span id="status" class="badge">loading</span><span id="connection" class="muted"></span>${back}</header>
<main>
<div class="card"><div id="info" class="info muted"></div><div id="progress-text" style="margin-top:8px">waiting for the run…</div><div class="bar"><div id="progress-bar" style="width:0"></div></div></div>
<div id="charts" class="charts"></div>
<div class="card" id="samples-card" hidden><h2>Sample predictions <span id="samples-epoch" class="muted"></span></h2><div id="samples" class="samples"></div></div>
<div class="card"><h2>Epochs</h2><div id="epochs"></div></div>
<div class="card"><h2>Model</h2><pre id="summary"></pre></div>
<div class="card files" id="files-card" hidden><h2>Files</h2><div id="files"></div></div>
</main>
<script>const CONFIG = ${config};
${RUN_SCRIPT}</script>
</body></html>
`;
}

export interface RunListEntry {
  id: string;
  title: string;
  model: string;
  status: string;
  startedAt: string | null;
  epochs: number;
  /** The last epoch's logs. */
  last: Record<string, number>;
  hasReport: boolean;
}

/** The list of runs that `lamina dashboard <runs dir>` serves. */
export function runListPage(dir: string, runs: readonly RunListEntry[]): string {
  const keys = ["loss", "accuracy", "val_loss", "val_accuracy"];
  const rows = runs.map((r) => {
    const href = `runs/${encodeURIComponent(r.id)}/`;
    return `<tr><td style="text-align:left"><a href="${href}">${escapeHtml(r.id)}</a></td><td style="text-align:left">${escapeHtml(r.title)}</td>` +
      `<td style="text-align:left">${escapeHtml(r.model)}</td><td><span class="badge ${escapeHtml(r.status)}">${escapeHtml(r.status)}</span></td><td>${r.epochs}</td>` +
      keys.map((k) => `<td>${k in r.last ? Number(r.last[k].toPrecision(4)) : ""}</td>`).join("") +
      `<td>${r.hasReport ? `<a href="${href}files/report.html">report</a>` : ""}</td></tr>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lamina runs</title><style>${STYLE}</style></head>
<body><header><h1>lamina runs</h1><span class="muted">${escapeHtml(dir)}</span></header>
<main><div class="card">${runs.length === 0 ? `<p class="muted">No runs in this folder yet: <code>lamina train --out ${escapeHtml(dir)}</code> or <code>npm start</code> writes them.</p>` :
    `<table id="runs"><tr><th style="text-align:left">run</th><th style="text-align:left">title</th><th style="text-align:left">model</th><th>status</th><th>epochs</th>${keys.map((k) => `<th>${k}</th>`).join("")}<th></th></tr>
${rows}</table>`}</div></main></body></html>
`;
}
