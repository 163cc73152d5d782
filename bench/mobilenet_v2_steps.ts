// `npx tsx bench/mobilenet_v2_steps.ts [TREE] [steps]`: builds applications.MobileNetV2 at 96x96
// (10 classes, no weights) with this checkout's lamina, or TREE's, and runs `steps` (default 3)
// training steps at batch 16: a whole-process figure for farm-bench, e.g.
//   farm-bench -n 5 --timeout 600 --vs 'npx tsx bench/mobilenet_v2_steps.ts OLD_TREE' -- npx tsx bench/mobilenet_v2_steps.ts .
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as tf from "../src/index.js";

const [tree, stepsArg] = process.argv.slice(2);
const lib = (await import(pathToFileURL(resolve(tree ?? ".", "src/index.ts")).href)) as typeof tf;
lib.random.setSeed(5);
const model = lib.applications.MobileNetV2({ inputShape: [96, 96, 3], weights: null, classes: 10 });
model.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
const images = lib.random.normal([16, 96, 96, 3]);
const labels = lib.oneHot(lib.constant(Array.from({ length: 16 }, (_, i) => i % 10), [16], "int32"), 10);
for (let i = 0; i < Number(stepsArg ?? 3); i++) model.trainOnBatch(images, labels);
