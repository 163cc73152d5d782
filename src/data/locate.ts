/**
 * Where dataset files are looked for, in order: the lamina cache (`LAMINA_DATASETS`, else
 * `~/.lamina/datasets`), Keras' cache (`~/.keras/datasets`, `KERAS_HOME`), the system folders where
 * distributions install datasets (`/usr/share/datasets/...`), the copy vendored in lamina's
 * repository (`data/...`), and last a download into the lamina cache.
 */
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadFile } from "./download.js";

export interface DatasetOptions {
  /** The cache folder; default `LAMINA_DATASETS` or `~/.lamina/datasets`. */
  cacheDir?: string;
  /** Download missing files into the cache (default true; `LAMINA_OFFLINE=1` turns it off). */
  download?: boolean;
  /** Folders searched after the caches, replacing the system and vendored folders. */
  searchDirs?: string[];
  /** Base URL replacing the official one (a mirror serving the same files; checksums still apply). */
  origin?: string;
  /** Print where the data came from (default false). */
  verbose?: boolean;
}

export function cacheRoot(opts: DatasetOptions = {}): string {
  return resolve(opts.cacheDir ?? process.env.LAMINA_DATASETS ?? join(homedir(), ".lamina", "datasets"));
}

/** Keras' home folder: `KERAS_HOME`, else `~/.keras` (utils.getFile's default cache). */
export function kerasHome(): string {
  return process.env.KERAS_HOME ?? join(homedir(), ".keras");
}

function kerasCacheRoot(): string {
  return join(kerasHome(), "datasets");
}

/** data/<sub> of lamina's repository, found by walking up from this module (src/data or dist/data). */
export function vendoredDir(sub: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "data", sub);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    dir = dirname(dir);
  }
  return null;
}

export interface FileSpec {
  /** Acceptable names, first preferred (e.g. "x.gz" then "x"). */
  names: string[];
}

export interface DatasetSpec {
  /** The function name for messages, e.g. "datasets.fashionMnist.loadData". */
  where: string;
  /** Folder name under each root, e.g. "fashion-mnist". */
  subdir: string;
  files: FileSpec[];
  /** System folders where distributions install the files. */
  systemDirs: string[];
  /** Folder under the repository's data/ holding a vendored copy, if any. */
  vendored?: string;
  /** Whether Keras' cache layout holds these same files. */
  inKerasCache?: boolean;
  /** Fetches the files into `dir` (the cache folder); absent when the files cannot be downloaded. */
  download?: (dir: string, origin: string | undefined) => Promise<void>;
  /** How to get the data by hand, for the final error. */
  howTo: string;
}

/** Finds a folder holding every file of `spec` (downloading when allowed); returns the paths. */
export async function locate(spec: DatasetSpec, opts: DatasetOptions = {}): Promise<string[]> {
  const tried: string[] = [];
  const cache = join(cacheRoot(opts), spec.subdir);
  const dirs: string[] = [cache];
  if (spec.inKerasCache) dirs.push(join(kerasCacheRoot(), spec.subdir));
  if (opts.searchDirs) dirs.push(...opts.searchDirs);
  else {
    dirs.push(...spec.systemDirs);
    const v = spec.vendored ? vendoredDir(spec.vendored) : null;
    if (v) dirs.push(v);
    else if (spec.vendored) tried.push(`the copy vendored in lamina's repository (data/${spec.vendored}): not found`);
  }
  const findIn = (dir: string): string[] | null => {
    const paths: string[] = [];
    for (const f of spec.files) {
      const hit = f.names.map((n) => join(dir, n)).find((p) => existsSync(p) && statSync(p).isFile());
      if (!hit) {
        tried.push(`${dir}: ${existsSync(dir) ? `no ${f.names.join(" or ")}` : "no such folder"}`);
        return null;
      }
      paths.push(hit);
    }
    return paths;
  };
  for (const dir of dirs) {
    const found = findIn(dir);
    if (found) {
      if (opts.verbose) console.log(`${spec.where}: using ${dir}`);
      return found;
    }
  }
  const allowDownload = opts.download ?? process.env.LAMINA_OFFLINE !== "1";
  if (spec.download && allowDownload) {
    try {
      if (opts.verbose) console.log(`${spec.where}: downloading into ${cache}`);
      await spec.download(cache, opts.origin);
      const found = findIn(cache);
      if (found) return found;
      tried.push(`download into ${cache}: finished but the expected files are missing`);
    } catch (e) {
      tried.push(`download: ${(e as Error).message}`);
    }
  } else if (spec.download) {
    tried.push(`download: disabled (${opts.download === false ? "download: false" : "LAMINA_OFFLINE=1"})`);
  }
  throw new Error(`${spec.where}: the data set files were not found. Tried, in order:\n  - ${tried.join("\n  - ")}\nTo fix: ${spec.howTo}`);
}

export { downloadFile };

/** One way of finding a data set: `run` locates and reads it; `localOnly` when it never downloads. */
export interface LocateAttempt<T> {
  run: () => Promise<T>;
  localOnly: boolean;
}

/**
 * Tries several layouts of one data set in order (e.g. Keras' file, then another format, then the
 * download) and returns the first found; when none is, one error lists every place tried. An error
 * other than "not found" (a damaged file) is thrown as it is.
 */
export async function locateFirst<T>(where: string, howTo: string, attempts: readonly LocateAttempt<T>[]): Promise<T> {
  const tried: string[] = [];
  for (const { run, localOnly } of attempts) {
    try {
      return await run();
    } catch (e) {
      const msg = (e as Error).message;
      if (!msg.includes("were not found")) throw e;
      // A local-only attempt's "download: disabled" is this order, not the user's choice.
      tried.push(...msg.split("\n").filter((l) => l.startsWith("  - ") && !(localOnly && l.startsWith("  - download: disabled"))));
    }
  }
  throw new Error(`${where}: the data set files were not found. Tried, in order:\n${[...new Set(tried)].join("\n")}\nTo fix: ${howTo}`);
}

/** A mirror's base URL ending in "/", or `fallback` when none is given. */
export function originBase(origin: string | undefined, fallback: string): string {
  if (!origin) return fallback;
  return origin.endsWith("/") ? origin : `${origin}/`;
}
