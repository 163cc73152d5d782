import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, toTensor } from "./engine.js";
import { integerInput } from "./ctc.js";
import { valueText } from "../tensor/value_text.js";
import * as sym from "./symbolic.js";

/*
 * keras.ops.ctc_decode: greedy (best path) and prefix beam search decoding of per-step class
 * scores. Decoding picks discrete labels, so neither output has a gradient.
 */

export interface CtcDecodeOptions {
  /** "greedy" (default) or "beam_search". */
  strategy?: "greedy" | "beam_search";
  /** Beams kept per step in beam search. Default 100. */
  beamWidth?: number;
  /** How many of the best beams to return (beam search; greedy returns 1). Default 1. */
  topPaths?: number;
  /** Greedy: collapse runs of one class to one label. Default true. */
  mergeRepeated?: boolean;
  /** The blank class. Default 0. */
  maskIndex?: number;
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Greedy: the best class per step (blank past the sequence), repeats merged, blanks dropped; score -sum(max). */
function greedy(x: Float64Array, batch: number, steps: number, classes: number, lens: Int32Array, merge: boolean, blank: number,
  decoded: Int32Array, scores: Float64Array): void {
  for (let b = 0; b < batch; b++) {
    const best = new Int32Array(steps);
    let total = 0;
    for (let t = 0; t < steps; t++) {
      if (t >= lens[b]) {
        best[t] = blank;
        continue;
      }
      let arg = 0, max = -Infinity;
      for (let c = 0; c < classes; c++) {
        const v = x[(b * steps + t) * classes + c];
        if (v > max || (Number.isNaN(v) && !Number.isNaN(max))) { max = v; arg = c; }
      }
      best[t] = arg;
      total += max;
    }
    let k = 0;
    for (let t = 0; t < steps; t++) {
      // As Keras: a step equal to the step before (blank or not) is dropped when merging.
      if (best[t] === blank || (merge && t > 0 && best[t] === best[t - 1])) continue;
      decoded[b * steps + k++] = best[t];
    }
    scores[b] = -total;
  }
}

interface Beam { prefix: number[]; blank: number; label: number }
const total = (b: Beam): number => logAdd(b.blank, b.label);

/**
 * Prefix beam search over log_softmax(x): every beam keeps the log-probabilities of its prefix
 * ending in a blank and in its last label; after each step the beamWidth most probable prefixes
 * stay. The first step is always read (as Keras' JAX and TensorFlow backends do).
 */
function beamSearch(x: Float64Array, batch: number, steps: number, classes: number, lens: Int32Array, beamWidth: number, topPaths: number,
  blank: number, decoded: Int32Array, scores: Float64Array): void {
  const lp = new Float64Array(classes);
  for (let b = 0; b < batch; b++) {
    let beams: Beam[] = [{ prefix: [], blank: 0, label: -Infinity }];
    const last = Math.max(1, Math.min(lens[b], steps));
    for (let t = 0; t < last; t++) {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, x[(b * steps + t) * classes + c]);
      let s = 0;
      for (let c = 0; c < classes; c++) s += Math.exp(x[(b * steps + t) * classes + c] - max);
      for (let c = 0; c < classes; c++) lp[c] = x[(b * steps + t) * classes + c] - max - Math.log(s);
      const next = new Map<string, Beam>();
      const at = (prefix: number[]): Beam => {
        const key = prefix.join(",");
        let e = next.get(key);
        if (e === undefined) next.set(key, (e = { prefix, blank: -Infinity, label: -Infinity }));
        return e;
      };
      for (const beam of beams) {
        const all = total(beam);
        const tail = beam.prefix.length > 0 ? beam.prefix[beam.prefix.length - 1] : -1;
        for (let c = 0; c < classes; c++) {
          if (c === blank) {
            const e = at(beam.prefix);
            e.blank = logAdd(e.blank, all + lp[c]);
          } else if (c === tail) {
            const same = at(beam.prefix);
            same.label = logAdd(same.label, beam.label + lp[c]);
            const grown = at([...beam.prefix, c]);
            grown.label = logAdd(grown.label, beam.blank + lp[c]);
          } else {
            const grown = at([...beam.prefix, c]);
            grown.label = logAdd(grown.label, all + lp[c]);
          }
        }
      }
      beams = [...next.values()].sort((p, q) => total(q) - total(p)).slice(0, beamWidth);
    }
    for (let p = 0; p < topPaths; p++) {
      const beam = beams[p];
      scores[b * topPaths + p] = beam === undefined ? -Infinity : total(beam);
      if (beam !== undefined) beam.prefix.forEach((c, i) => (decoded[(p * batch + b) * steps + i] = c));
    }
  }
}

/**
 * keras.ops.ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
 * merge_repeated=True, mask_index=0): inputs [batch, steps, classes] (logits or log-probabilities),
 * sequenceLengths [batch]. Returns [decoded, scores]: decoded int32 [paths, batch, steps], each row
 * the labels followed by -1; scores [batch, paths]. Greedy gives one path scored -sum of each
 * step's maximum input; beam search gives topPaths paths best first, each scored by the
 * log-probability of its label sequence under log_softmax(inputs) (summed over the alignments the
 * beam kept). Ties between equal scores may be broken differently than TensorFlow does.
 */
function ctcDecodeEager(inputs: Input, sequenceLengths: Input, opts: CtcDecodeOptions = {}): [Tensor, Tensor] {
  const op = "ctcDecode";
  const x = toTensor(inputs, op, "inputs");
  if (!isFloatDType(x.dtype)) throw new TypeError(`${op}: inputs must be float scores, got ${x.dtype} ${shapeText(x.shape)}; cast them with tf.cast(inputs, "float32")`);
  if (x.rank !== 3) throw new RangeError(`${op}: inputs must have shape [batch, steps, classes], got ${shapeText(x.shape)}`);
  const [batch, steps, classes] = x.shape;
  const { t: lt, v: lens } = integerInput(op, sequenceLengths, "sequenceLengths");
  if (lt.rank !== 1 || lt.shape[0] !== batch) throw new RangeError(`${op}: sequenceLengths must have shape [batch] = [${batch}], got ${shapeText(lt.shape)}`);
  lens.forEach((n, b) => {
    if (n < 0 || n > steps) throw new RangeError(`${op}: sequenceLengths[${b}] = ${n} is outside [0, ${steps}] (inputs have ${steps} steps)`);
  });
  const strategy = opts.strategy ?? "greedy";
  const blank = opts.maskIndex ?? 0;
  if (!Number.isInteger(blank) || blank < 0 || blank >= classes) throw new RangeError(`${op}: maskIndex ${valueText(blank)} must be a class index in [0, ${classes - 1}]`);
  const data = Float64Array.from(x.dataSync() as ArrayLike<number>);
  const scoreType = x.dtype;
  if (strategy === "greedy") {
    const decoded = new Int32Array(batch * steps).fill(-1), scores = new Float64Array(batch);
    greedy(data, batch, steps, classes, lens, opts.mergeRepeated ?? true, blank, decoded, scores);
    return [new Tensor(decoded, [1, batch, steps], "int32"), new Tensor(scoreType === "float64" ? scores : Float32Array.from(scores), [batch, 1], scoreType)];
  }
  if (strategy !== "beam_search") throw new RangeError(`${op}: strategy ${valueText(strategy)} is not supported; use "greedy" or "beam_search"`);
  const beamWidth = opts.beamWidth ?? 100, topPaths = opts.topPaths ?? 1;
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new RangeError(`${op}: beamWidth must be a positive integer, got ${valueText(beamWidth)}`);
  if (!Number.isInteger(topPaths) || topPaths < 1 || topPaths > beamWidth) {
    throw new RangeError(`${op}: topPaths must be an integer in [1, beamWidth = ${beamWidth}], got ${valueText(topPaths)}`);
  }
  const decoded = new Int32Array(topPaths * batch * steps).fill(-1), scores = new Float64Array(batch * topPaths);
  beamSearch(data, batch, steps, classes, lens, beamWidth, topPaths, blank, decoded, scores);
  return [new Tensor(decoded, [topPaths, batch, steps], "int32"), new Tensor(scoreType === "float64" ? scores : Float32Array.from(scores), [batch, topPaths], scoreType)];
}

/** ctcDecode, recording Keras' CTCDecode on symbolic tensors (see ctcDecodeEager). */
export const ctcDecode = sym.withSymbolic(ctcDecodeEager, (inputs, sequenceLengths, o = {}): [sym.Sym, sym.Sym] => {
  const outs = sym.symbolicOps("CTCDecode", [inputs, sequenceLengths], {
    strategy: o.strategy ?? "greedy", beam_width: o.beamWidth ?? 100, top_paths: o.topPaths ?? 1, merge_repeated: o.mergeRepeated ?? true, mask_index: o.maskIndex ?? 0,
  });
  return [outs[0], outs[1]];
});
