// The "quantization" group of keras.io guide ports, each run with QUICK=1 in a child process:
// int8-quantization-in-keras.ts and int4-quantization-in-keras.ts, checked on what they print.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { exampleTimeout } from "../../test/support/example-timeout.js";

function runGuide(file: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", file], {
    encoding: "utf8",
    timeout: exampleTimeout(60_000),
    env: { ...process.env, QUICK: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const num = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  assert.ok(m, `${re} not found in:\n${text}`);
  return Number(m[1]);
};

/** The three generated sequences: full precision, quantized, quantized and reloaded. */
function generations(text: string): string[] {
  return ["Full-precision output", "Quantized output", "Quantized reloaded output"].map((label) => {
    const m = new RegExp(`^${label}: ([\\d ]+)$`, "m").exec(text);
    assert.ok(m, `${label} not found in:\n${text}`);
    return m[1];
  });
}

for (const [bits, mseBound, minReduction] of [[8, 1e-3, 65], [4, 1e-2, 80]] as const) {
  test(`examples/guides/int${bits}-quantization-in-keras.ts (QUICK): small MSE, exact reload, ${minReduction}%+ smaller weights`, () => {
    const text = runGuide(`examples/guides/int${bits}-quantization-in-keras.ts`);
    const mse = num(text, new RegExp(`Full-Precision vs INT${bits} MSE: (\\S+)`));
    assert.ok(mse > 0 && mse < mseBound, `MSE ${mse}`);
    const [fp, quantized, reloaded] = generations(text);
    // Generation starts from the same eight-token prompt; the reload reproduces the quantized model.
    assert.equal(fp.split(" ").length, 20);
    assert.equal(quantized.split(" ").slice(0, 8).join(" "), fp.split(" ").slice(0, 8).join(" "));
    assert.equal(reloaded, quantized);
    // float32 -> int8 is about 4x, int4 about 8x, less the per-channel scales and the file's overhead.
    assert.ok(num(text, /Size reduction: (\d+\.\d)%/) >= minReduction, text);
  });
}

test("examples/guides/customizing-quantization.ts: a [-100, 100] int8 range, weight-only int4, a custom percentile activation quantizer", () => {
  const text = runGuide("examples/guides/customizing-quantization.ts");
  // Each kernel column's largest |w| maps to the range's end, so the kernel spans up to exactly 100.
  const range = /Layer 0 kernel range: (-?\d+) to (-?\d+)/.exec(text);
  assert.ok(range, text);
  const [lo, hi] = [Number(range[1]), Number(range[2])];
  assert.ok(lo >= -100 && hi <= 100 && Math.max(-lo, hi) === 100, range[0]);
  assert.equal(text.match(/Layer 0 kernel dtype: int8/g)?.length, 2);
  assert.match(text, /Layer 0 has inputs_quantizer: false/);
  assert.match(text, /Layer 0 uses custom activation quantizer: true/);
  assert.ok(num(text, /Float vs INT8 \(percentile activations\) MSE: (\S+)/) < 1e-3, text);
});
