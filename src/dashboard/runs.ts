/**
 * Finished runs on disk, as `lamina dashboard <runs dir>` shows them. A run is a folder holding
 * `dashboard.json` (written by callbacks.Dashboard) or, for runs made without the dashboard
 * (`npm start`), `history.csv` (CSVLogger's file; its title and summary are taken from
 * report.html when there is one). Files of the run folder are served read-only, by plain name.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { parseSnapshot, type EpochPoint, type RunSnapshot } from "./run-state.js";
import { runListPage, runPage, type RunListEntry } from "./page.js";
import { sendJson, sendText, type RouteHandler } from "./server.js";

export const SNAPSHOT_FILE = "dashboard.json";

/** Epoch logs from CSVLogger's file: "epoch,<keys...>" then one row per epoch; "NA" cells are skipped. */
export function epochsFromCsv(text: string, where: string): EpochPoint[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const sep = lines[0].includes(";") && !lines[0].includes(",") ? ";" : ",";
  const header = lines[0].split(sep);
  if (header[0] !== "epoch") throw new Error(`${where}: the first column is "${header[0]}", not "epoch"; it is not a CSVLogger file`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(sep);
    const logs: Record<string, number> = {};
    header.slice(1).forEach((k, j) => {
      const v = Number(cells[j + 1]);
      if (cells[j + 1] !== undefined && cells[j + 1] !== "NA" && Number.isFinite(v)) logs[k] = v;
    });
    const epoch = Number(cells[0]);
    return { epoch: Number.isInteger(epoch) ? epoch : i, logs };
  });
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))).replace(/&amp;/g, "&");
}

/** Plain files of a run folder that may be served (no hidden or half-written files). */
export function runFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^[\w][\w.-]*$/.test(f) && !/\.tmp|\.part$/.test(f) && statSync(join(dir, f)).isFile())
    .sort();
}

function isRunDir(dir: string): boolean {
  return existsSync(join(dir, SNAPSHOT_FILE)) || existsSync(join(dir, "history.csv"));
}

/** The stored state of the run in `dir`, its file list filled in; null when `dir` is not a run. */
export function readRun(dir: string): RunSnapshot | null {
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  let snap: RunSnapshot;
  if (existsSync(snapshotPath)) {
    snap = parseSnapshot(readFileSync(snapshotPath, "utf8"), snapshotPath);
  } else if (existsSync(join(dir, "history.csv"))) {
    const csvPath = join(dir, "history.csv");
    const epochs = epochsFromCsv(readFileSync(csvPath, "utf8"), csvPath);
    const report = existsSync(join(dir, "report.html")) ? readFileSync(join(dir, "report.html"), "utf8") : "";
    const title = /<h1>([\s\S]*?)<\/h1>/.exec(report)?.[1];
    const summary = /<pre>([\s\S]*?)<\/pre>/.exec(report)?.[1];
    let model = "";
    if (existsSync(join(dir, "model.json"))) {
      try {
        const cfg = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { config?: { name?: unknown } };
        if (typeof cfg.config?.name === "string") model = cfg.config.name;
      } catch {
        // An unreadable model.json only costs the model's name on the page.
      }
    }
    const stat = statSync(csvPath);
    snap = {
      format: "lamina-dashboard", formatVersion: 1,
      title: title ? unescapeHtml(title.replace(/<[^>]*>/g, "")) : basename(dir), model, status: "finished",
      startedAt: stat.birthtime.toISOString(), finishedAt: stat.mtime.toISOString(), info: { source: "history.csv" },
      summary: summary ? unescapeHtml(summary) : null,
      progress: { epoch: epochs.length, batch: 0, steps: null, epochs: epochs.length, elapsed: 0 },
      batchStride: 1, batches: [], epochs, samples: null, files: [],
    };
  } else {
    return null;
  }
  snap.files = runFiles(dir);
  return snap;
}

/** The runs in `root`: its sub-folders that are runs, newest name first, and `root` itself if it is one. */
export function listRunDirs(root: string): { id: string; dir: string }[] {
  const runs: { id: string; dir: string }[] = [];
  for (const name of readdirSync(root).sort().reverse()) {
    const dir = join(root, name);
    if (/^[\w][\w.-]*$/.test(name) && statSync(dir).isDirectory() && isRunDir(dir)) runs.push({ id: name, dir });
  }
  if (isRunDir(root)) runs.unshift({ id: basename(resolve(root)), dir: root });
  return runs;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml", ".csv": "text/csv; charset=utf-8",
  ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
};

function listEntry(id: string, snap: RunSnapshot): RunListEntry {
  return {
    id, title: snap.title, model: snap.model, status: snap.status, startedAt: snap.startedAt,
    epochs: snap.epochs.length, last: snap.epochs[snap.epochs.length - 1]?.logs ?? {}, hasReport: snap.files.includes("report.html"),
  };
}

/**
 * Routes of `lamina dashboard <root>`: `/` the list of runs, `/api/runs` the same as JSON,
 * `/runs/<id>/` a run's page, `/runs/<id>/api/run` its state, `/runs/<id>/files/<name>` its files.
 */
export function runsHandler(root: string): RouteHandler {
  const find = (id: string): string | null => listRunDirs(root).find((r) => r.id === id)?.dir ?? null;
  const entries = (): RunListEntry[] => listRunDirs(root).flatMap(({ id, dir }) => {
    try {
      const snap = readRun(dir);
      return snap ? [listEntry(id, snap)] : [];
    } catch {
      return [{ id, title: "(unreadable dashboard.json)", model: "", status: "damaged", startedAt: null, epochs: 0, last: {}, hasReport: false }];
    }
  });
  return (path, _req, res) => {
    if (path === "/" || path === "/index.html") {
      sendText(res, 200, "text/html; charset=utf-8", runListPage(resolve(root), entries()));
      return;
    }
    if (path === "/api/runs") {
      sendJson(res, entries());
      return;
    }
    const m = /^\/runs\/([^/]+)(\/.*)?$/.exec(path);
    const dir = m ? find(m[1]) : null;
    if (!m || dir === null) {
      sendText(res, 404, "text/plain; charset=utf-8", `lamina dashboard: no run at ${path}\n`);
      return;
    }
    const rest = m[2] ?? "";
    if (rest === "") {
      res.writeHead(301, { location: `/runs/${encodeURIComponent(m[1])}/` });
      res.end();
    } else if (rest === "/" || rest === "/index.html") {
      const snap = readRun(dir);
      sendText(res, 200, "text/html; charset=utf-8", runPage({ title: snap?.title ?? m[1], live: false, backLink: "../../" }));
    } else if (rest === "/api/run") {
      sendJson(res, readRun(dir));
    } else if (rest.startsWith("/files/")) {
      const name = rest.slice("/files/".length);
      if (!runFiles(dir).includes(name)) {
        sendText(res, 404, "text/plain; charset=utf-8", `lamina dashboard: run ${m[1]} has no file ${name}\n`);
        return;
      }
      res.writeHead(200, {
        "content-type": CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
        "cache-control": "no-store", "x-content-type-options": "nosniff", "content-security-policy": "sandbox",
      });
      res.end(readFileSync(join(dir, name)));
    } else {
      sendText(res, 404, "text/plain; charset=utf-8", `lamina dashboard: nothing at ${path}\n`);
    }
  };
}
