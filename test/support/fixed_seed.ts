// Loaded before every test file (scripts/run-tests.mjs): the global generator starts from a fixed
// seed, so a test that draws unseeded weights, shuffles or dropout masks gives the same result on
// every CI run instead of failing once in a few thousand runs. LAMINA_TEST_SEED picks another seed,
// to look for tests that only pass for some draws.
import { setSeed } from "../../src/tensor/random.js";

const text = process.env.LAMINA_TEST_SEED ?? "20261125";
// The same rule as run-tests.mjs, which checks it once before any file starts.
if (!/^\d+$/.test(text)) {
  throw new RangeError(`LAMINA_TEST_SEED must be a whole number >= 0, got ${JSON.stringify(text)}`);
}
setSeed(Number(text));
