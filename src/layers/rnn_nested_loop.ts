/**
 * The time loop of layers.RNN for a cell with nested inputs, outputs or states (Keras' NestedCell):
 * several input sequences, several outputs, states of any shape [batch, ...size]. Each step calls
 * the cell's `step` on the steps of every sequence; the checks of the first step name what the
 * cell returned against what it declared. Cells with one input and vector outputs and states keep
 * the faster loop of RNN.call (their input projection runs once per sequence).
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { reshape, stack, unstack } from "../ops/shape.js";
import { where as select } from "../ops/math.js";
import type { RNNCell } from "./rnn_cell.js";
import { type CellStructure, shapesText } from "./rnn_structure.js";

export interface NestedLoop {
  readonly cell: RNNCell;
  /** "RNN rnn", for errors. */
  readonly where: string;
  /** The input sequences [batch, time, ...], already reversed for goBackwards. */
  readonly sequences: readonly Tensor[];
  readonly states: Tensor[];
  readonly structure: CellStructure;
  /** Each processed step's mask (bool, [batch, 1, ...]), or null. */
  readonly stepMasks: readonly Tensor[] | null;
  readonly training: boolean;
  readonly returnSequences: boolean;
  readonly zeroOutputForMask: boolean;
}

/** A step's mask broadcast over `v` (Keras' _expand_mask): [batch, 1, ...] of v's rank. */
function maskLike(step: Tensor, v: Tensor): Tensor {
  return v.rank === step.rank ? step : reshape(step, [step.shape[0], ...Array<number>(v.rank - 1).fill(1)]);
}

/** Refuses tensors whose shapes are not [batch, ...declared], naming which the cell got wrong. */
function checkShapes(where: string, what: string, got: readonly Tensor[], want: readonly number[][], batch: number, declared: string): void {
  if (got.length !== want.length) {
    throw new TypeError(`${where}: the cell's step returned ${got.length} ${what}(s) but it declares ${want.length} (${declared} ${shapesText(want)})`);
  }
  got.forEach((t, i) => {
    const expect = [batch, ...want[i]];
    if (t.rank !== expect.length || t.shape.some((n, j) => n !== expect[j])) {
      throw new RangeError(
        `${where}: the cell's step returned ${what} ${i} of shape ${shapeText(t.shape)}, but its ${declared} says [${expect.join(", ")}]; ` +
          `make step return [batch, ...${declared} entry] tensors, or fix ${declared}`,
      );
    }
  });
}

/** Runs the loop: the outputs (one per declared output; stacked over time with returnSequences) and the final states. */
export function runNestedLoop(r: NestedLoop): { outputs: Tensor[]; states: Tensor[] } {
  const { cell, where, structure } = r;
  const batch = r.sequences[0].shape[0];
  const steps = r.sequences.map((x) => unstack(x, 1));
  const time = steps[0].length;
  let states = r.states;
  let last: Tensor[] | null = null;
  const all: Tensor[][] = structure.outputs.map(() => []);
  for (let t = 0; t < time; t++) {
    const input = steps.length === 1 ? steps[0][t] : steps.map((s) => s[t]);
    const [out, next] = cell.step(input, states, r.training);
    const outs = Array.isArray(out) ? out : [out];
    if (t === 0) {
      checkShapes(where, "output", outs, structure.outputs, batch, "outputSize");
      checkShapes(where, "state", next, structure.states, batch, "stateSize");
    }
    const step = r.stepMasks?.[t];
    if (step === undefined) {
      last = outs;
      states = next;
    } else {
      // Keras' masked step: the states stay, each output repeats the previous one (zeros at first) or is zero.
      const before: Tensor[] = states, prev: Tensor[] | null = last;
      last = outs.map((o, i): Tensor => select(maskLike(step, o), o, r.zeroOutputForMask || prev === null ? 0 : prev[i]));
      states = next.map((s, i) => select(maskLike(step, s), s, before[i]));
    }
    if (r.returnSequences) last.forEach((o, i) => all[i].push(o));
  }
  const outputs = r.returnSequences ? all.map((seq) => stack(seq, 1)) : (last as Tensor[]);
  return { outputs, states };
}
