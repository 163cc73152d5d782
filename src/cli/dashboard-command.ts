/** `lamina dashboard <runs dir>`: serves finished (and running) runs until Ctrl-C. */
import { existsSync, statSync } from "node:fs";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { UsageError, booleanFlag, intFlag, portInUse } from "./args.js";
import type { CommandInput } from "./cli.js";
import { listRunDirs, runsHandler } from "../dashboard/runs.js";
import { PortInUseError, serve, type RunningServer } from "../dashboard/server.js";

export async function dashboardCommand({ values, operands, io }: CommandInput): Promise<number> {
  const port = intFlag(values, "port", 0, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const root = resolve(operands[0]);
  if (!existsSync(root)) throw new UsageError(`runs folder ${operands[0]} does not exist (lamina train --out DIR and npm start write runs into DIR, default runs)`);
  if (!statSync(root).isDirectory()) throw new UsageError(`${operands[0]} is not a folder; give the folder that holds the runs`);
  let server: RunningServer;
  try {
    // The command's own prefix ("lamina dashboard: ") comes with the message it fails with.
    server = await serve(runsHandler(root), { port }, "serve");
  } catch (e) {
    throw e instanceof PortInUseError ? portInUse(e.port, e.host) : e;
  }
  const count = listRunDirs(root).length;
  io.out(`lamina dashboard: ${count} run${count === 1 ? "" : "s"} in ${root}`);
  io.out(`Dashboard: ${server.url}  (Ctrl-C to stop)`);
  if (booleanFlag(values, "open")) {
    const opener = process.platform === "darwin" ? "open" : "xdg-open";
    spawn(opener, [server.url], { stdio: "ignore", detached: true }).on("error", () => io.err(`lamina dashboard: could not start ${opener}; open ${server.url} yourself`)).unref();
  }
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}
