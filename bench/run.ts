// `npm run bench`: trains and runs inference on the six reference models of
// ../shared/bench/README.md and prints one JSON line per model (the format that file gives);
// `--gemm` measures the 2048^3 float32 matmul instead. The measuring code is shared with
// `lamina bench` (src/cli/bench.ts).
import { UsageError } from "../src/cli/args.js";
import { BenchFailure, benchUsage, parseBenchOptions, runBench } from "../src/cli/bench.js";

const USAGE = benchUsage("npm run bench --");

try {
  const opts = parseBenchOptions(process.argv.slice(2));
  if (opts.help) console.log(USAGE);
  else runBench(opts, { result: (line) => console.log(line), progress: (line) => console.error(line), prefix: "bench: " });
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`bench: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (e instanceof BenchFailure) {
    console.error(`bench: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
