// Paired timing of tf.where (the select kernel) in this checkout against another checkout, both
// loaded in one process on the backend LAMINA_BACKEND picks: the PixelCNN example's binarization
// of all 70,000 Fashion-MNIST images (int32 scalars 0 and 1 into a [70000, 28, 28, 1] tensor) and
// smaller int32, float32, bool and broadcast cases.
//
//   npx tsx bench/where_ab.ts OLD_CHECKOUT [--pairs N]
// OLD_CHECKOUT holds the old src/ (e.g. `git archive BASE src package.json | tar -x -C /tmp/old`)
// and a node_modules and build next to it, as a worktree has.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tfNew from "../src/index.js";
import { paired } from "./paired.js";

type Lamina = typeof tfNew;
type T = ReturnType<Lamina["constant"]>;
const USAGE = "usage: npx tsx bench/where_ab.ts OLD_CHECKOUT [--pairs N]";

const args = process.argv.slice(2);
const pairsAt = args.indexOf("--pairs");
const pairs = pairsAt >= 0 ? Number(args[pairsAt + 1]) : 10;
const oldDir = args.filter((_, i) => i !== pairsAt && i !== pairsAt + 1)[0];
if (!oldDir) throw new Error(USAGE);
const tfOld = (await import(pathToFileURL(resolve(oldDir, "src/index.ts")).href)) as Lamina;
console.log(`new ${tfNew.getBackend()}, old ${tfOld.getBackend()} (${resolve(oldDir)})`);

/** One where case: inputs made by each module for itself, the call timed (eager: the call computes the result). */
function bench(name: string, n: number, make: (tf: Lamina) => () => T): void {
  const runs = new Map([true, false].map((useNew) => [useNew, make(useNew ? tfNew : tfOld)] as const));
  paired(name, n, (useNew) => { runs.get(useNew)!(); });
}

const images = (tf: Lamina, count: number): T => tf.less(tf.random.uniform([count, 28, 28, 1], 0, 256, { dtype: "float32", seed: 1 }), 0.33 * 256);
bench("where(c, 0, 1) int32 [70000, 28, 28, 1]", pairs, (tf) => { const c = images(tf, 70000); return () => tf.where(c, 0, 1); });
bench("where(c, 0, 1) int32 [5000, 28, 28, 1]", pairs * 3, (tf) => { const c = images(tf, 5000); return () => tf.where(c, 0, 1); });
bench("where(c, x, y) int32 [5000, 28, 28, 1]", pairs * 3, (tf) => {
  const c = images(tf, 5000), x = tf.cast(tf.random.uniform(c.shape, -9, 9, { seed: 2 }), "int32"), y = tf.neg(x);
  return () => tf.where(c, x, y);
});
bench("where(c, x, 0.5) float32 [5000, 28, 28, 1]", pairs * 3, (tf) => {
  const c = images(tf, 5000), x = tf.random.uniform(c.shape, -1, 1, { seed: 3 });
  return () => tf.where(c, x, 0.5);
});
bench("where(c, x, y) bool [5000, 28, 28, 1]", pairs * 3, (tf) => {
  const c = images(tf, 5000), x = tf.logicalNot(c);
  return () => tf.where(c, x, c);
});
bench("where(c [5000,784,1], row [784], 0) int32", pairs * 3, (tf) => {
  const c = tf.reshape(images(tf, 5000), [5000, 784, 1]), row = tf.cast(tf.range(0, 784), "int32");
  return () => tf.where(c, tf.reshape(row, [784, 1]), 0);
});
