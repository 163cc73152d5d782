/** `lamina bench`: the measurements of `npm run bench` (src/cli/bench.ts), from the built package. */
import { parseBenchOptions, runBench } from "./bench.js";
import type { CommandInput } from "./cli.js";

export function benchCommand({ values, io }: CommandInput): number {
  // The command table checked the flags already; the benchmark's own parser converts them.
  const argv: string[] = [];
  if (typeof values.model === "string") argv.push("--model", values.model);
  if (typeof values["target-s"] === "string") argv.push("--target-s", values["target-s"]);
  if (values.gemm === true) argv.push("--gemm");
  runBench(parseBenchOptions(argv), { result: (line) => io.out(line), progress: (line) => io.err(line), prefix: "lamina bench: " });
  return 0;
}
