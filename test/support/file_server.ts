/**
 * A local HTTP server standing in for a dataset host in download tests: it serves the bytes put in
 * `files` under their names (404 otherwise) and records each requested path.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FileServer {
  /** `http://127.0.0.1:<port>/`, to pass as a loader's origin. */
  origin: string;
  /** What to serve, by path without the leading slash; tests add and replace entries. */
  files: Record<string, Uint8Array>;
  /** The paths requested so far, with their leading slash. */
  requested: string[];
  close(): Promise<void>;
}

export async function startFileServer(): Promise<FileServer> {
  const files: Record<string, Uint8Array> = {};
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? "";
    requested.push(url);
    const body = files[url.slice(1)];
    if (!body) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { origin, files, requested, close: () => new Promise<void>((done) => server.close(() => done())) };
}
