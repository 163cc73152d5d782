// `npx tsx bench/gru_predict.ts OLD_TREE [pairs]`: model.predict of GRU(64) (reset_after true and
// false) over [32, 50, 32] inputs, this tree against another checkout of lamina (OLD_TREE: a
// directory holding that version's src/, its built addon in build/Release/ and a node_modules
// link), both loaded in this process and run alternately (bench/paired.ts). Also checks that the
// two give the same outputs bit for bit.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "../src/index.js";
import { paired } from "./paired.js";

const [oldTree, pairsArg] = process.argv.slice(2);
if (oldTree === undefined) {
  console.error("usage: npx tsx bench/gru_predict.ts OLD_TREE [pairs]");
  process.exit(2);
}
const old = (await import(pathToFileURL(resolve(oldTree, "src/index.ts")).href)) as typeof tf;
const pairs = Number(pairsArg ?? 40);
console.log(`backends: new ${tf.getBackend()}, old ${old.getBackend()}`);

for (const resetAfter of [true, false]) {
  const build = (lib: typeof tf): { model: tf.models.Sequential; x: tf.Tensor } => {
    lib.random.setSeed(1);
    const x = lib.random.normal([32, 50, 32]);
    const model = new lib.models.Sequential([lib.layers.Input({ shape: [50, 32] }), lib.layers.GRU(64, { resetAfter })]);
    return { model, x };
  };
  const [n, o] = [build(tf), build(old)];
  const want = o.model.predict(o.x, { batchSize: 32 }).dataSync();
  const same = n.model.predict(n.x, { batchSize: 32 }).dataSync().every((v, i) => Object.is(v, want[i]));
  console.log(`GRU(64, resetAfter ${resetAfter}): outputs bit-identical to the old tree: ${same}`);
  paired(`GRU(64, resetAfter ${resetAfter}) predict [32, 50, 32]`, pairs, (useNew) => {
    const s = useNew ? n : o;
    s.model.predict(s.x, { batchSize: 32 });
  });
}
