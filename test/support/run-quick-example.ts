/**
 * Runs an example port with QUICK=1 in a child process (tsx), as the example tests do, and returns
 * what it printed on stdout (stderr is piped, so a failure shows it). The timeout is sized for the native
 * backend and stretched for the JS one by exampleTimeout.
 */
import { execFileSync } from "node:child_process";
import { exampleTimeout } from "./example-timeout.js";

export function runQuickExample(file: string, timeoutMs: number, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ["--import", "tsx", file], {
    encoding: "utf8",
    timeout: exampleTimeout(timeoutMs),
    env: { ...process.env, QUICK: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}
