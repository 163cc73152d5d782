/**
 * The dashboard's HTTP server: loopback only (127.0.0.1), GET/HEAD only, and requests whose Host
 * header is not this address are refused (a web page elsewhere cannot reach it through DNS
 * rebinding). `liveHandler` serves one run while it trains: the page, its JSON state and a
 * server-sent event stream that starts with the whole state.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { runPage } from "./page.js";
import type { RunEvent, RunRecorder } from "./run-state.js";
import { valueText } from "../tensor/value_text.js";

export const LOOPBACK_HOST = "127.0.0.1";

export type RouteHandler = (path: string, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ServeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only "127.0.0.1" is accepted: the dashboard is for this machine. */
  host?: string;
  /** Whether the open server keeps Node running (default true). */
  keepProcessAlive?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Lets the server keep Node running (after fit, with keepAlive) or not (during fit). */
  keepProcessAlive(on: boolean): void;
  /**
   * Stops listening, ends open event streams once what was written to them is delivered (the
   * last status event included), and drops connections still open after a grace period.
   */
  close(): Promise<void>;
  readonly closed: boolean;
}

/** The port asked for is taken; callers with a flag for it (lamina's --port) say how to choose another. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  constructor(where: string, readonly port: number, readonly host: string) {
    super(`${where}: port ${port} on ${host} is already in use; choose another port, or 0 for a free one`);
  }
}

export function checkHost(host: string | undefined, where: string): string {
  const h = host ?? LOOPBACK_HOST;
  if (h !== LOOPBACK_HOST) {
    throw new RangeError(`${where}: host must be "${LOOPBACK_HOST}" (the dashboard only listens on this machine's loopback address), got ${valueText(h)}`);
  }
  return h;
}

export function checkPort(port: number | undefined, where: string): number {
  const p = port ?? 0;
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RangeError(`${where}: port must be an integer from 0 (a free port) to 65535, got ${port}`);
  return p;
}

export function sendText(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown): void {
  sendText(res, 200, "application/json; charset=utf-8", JSON.stringify(value));
}

/** Starts an HTTP server on 127.0.0.1 that hands each GET to `handler`. */
export async function serve(handler: RouteHandler, opts: ServeOptions = {}, where = "dashboard"): Promise<RunningServer> {
  const host = checkHost(opts.host, where);
  const port = checkPort(opts.port, where);
  let actualPort = port;
  const sockets = new Set<Socket>();
  const responses = new Set<ServerResponse>();
  let keepAlive = opts.keepProcessAlive ?? true;
  const server: Server = createServer((req, res) => {
    responses.add(res);
    res.on("close", () => responses.delete(res));
    const hostHeader = req.headers.host ?? "";
    if (hostHeader !== `${host}:${actualPort}` && hostHeader !== `localhost:${actualPort}`) {
      sendText(res, 403, "text/plain; charset=utf-8", `lamina dashboard: requests must address ${host}:${actualPort}\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "text/plain; charset=utf-8", "lamina dashboard: only GET\n");
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", `http://${host}`).pathname);
    } catch {
      sendText(res, 400, "text/plain; charset=utf-8", "lamina dashboard: bad URL\n");
      return;
    }
    Promise.resolve(handler(path, req, res)).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, "text/plain; charset=utf-8", `lamina dashboard: ${(e as Error).message}\n`);
      else res.end();
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    if (!keepAlive) socket.unref();
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error & { code?: string }): void => {
      reject(e.code === "EADDRINUSE"
        ? new PortInUseError(where, port, host)
        : new Error(`${where}: cannot listen on ${host}:${port}: ${e.message}`));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address();
  actualPort = typeof address === "object" && address !== null ? address.port : port;
  if (!keepAlive) server.unref();
  let closed = false;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    get closed() {
      return closed;
    },
    keepProcessAlive(on: boolean): void {
      keepAlive = on;
      if (on) server.ref();
      else server.unref();
      for (const s of sockets) {
        if (on) s.ref();
        else s.unref();
      }
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        // Destroying a socket drops what it has not sent yet: a browser reading slowly would
        // miss the final events and show the run as still running. Ending the streams flushes
        // them first; a client that stops reading is cut off after the grace period.
        const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        if (!keepAlive) grace.unref();
        for (const res of responses) {
          if (isEventStream(res)) {
            // Only once the end is handed to the OS: Node counts an ended response's connection as
            // idle at once, and closing it then would drop the unsent tail.
            res.once("finish", () => server.closeIdleConnections());
            res.end();
          }
        }
      });
    },
  };
}

/** How long a closing server waits for its clients to read what was already written. */
const CLOSE_GRACE_MS = 3000;

const eventStreams = new WeakSet<ServerResponse>();

/** Answers with a server-sent event stream, which a closing server flushes before ending. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
  eventStreams.add(res);
}

function isEventStream(res: ServerResponse): boolean {
  return eventStreams.has(res);
}

function writeEvent(res: ServerResponse, event: RunEvent): void {
  res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

/**
 * Routes of a live run: `/` the page, `/api/run` the whole state as JSON, `/api/events` a stream
 * of server-sent events (the whole state first, then each change).
 */
export function liveHandler(recorder: RunRecorder, title: () => string): RouteHandler {
  return (path, req, res) => {
    if (path === "/" || path === "/index.html") {
      sendText(res, 200, "text/html; charset=utf-8", runPage({ title: title(), live: true }));
    } else if (path === "/api/run") {
      sendJson(res, recorder.snapshot());
    } else if (path === "/api/events") {
      startEventStream(res);
      // A lost connection is retried after one second; every reconnection starts with the whole state.
      res.write("retry: 1000\n\n");
      writeEvent(res, { type: "snapshot", data: recorder.snapshot() });
      const unsubscribe = recorder.on((event) => writeEvent(res, event));
      req.on("close", unsubscribe);
    } else {
      sendText(res, 404, "text/plain; charset=utf-8", `lamina dashboard: nothing at ${path}\n`);
    }
  };
}
