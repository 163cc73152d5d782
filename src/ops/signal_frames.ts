import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, backend, emptyTensor, num, record } from "./engine.js";
import { gather, reshape } from "./shape.js";
import { realSignal } from "./signal.js";
import { valueText } from "../tensor/value_text.js";
import * as sym from "./symbolic.js";

/*
 * Framing and its adjoint: keras.ops.extract_sequences cuts the last axis into overlapping frames
 * (a gather), and overlap-add sums frames back (the gather's scatter-add), each the other's gradient.
 */

export function checkPositiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: ${name} must be a positive integer, got ${valueText(v)}`);
  return v;
}

/** Positions of frame t's sample j, t * stride + j, frame after frame. */
function frameIndex(frames: number, length: number, stride: number): Int32Array {
  const idx = new Int32Array(frames * length);
  for (let t = 0; t < frames; t++) for (let j = 0; j < length; j++) idx[t * length + j] = t * stride + j;
  return idx;
}

/**
 * Frames of x's last axis: [..., n] -> [..., 1 + floor((n - sequenceLength) / sequenceStride),
 * sequenceLength] (`op` names the caller in errors). Differentiable.
 */
export function frames(op: string, x: Tensor, sequenceLength: number, sequenceStride: number): Tensor {
  const n = x.shape[x.rank - 1];
  if (sequenceLength > n) {
    throw new RangeError(`${op}: sequenceLength ${sequenceLength} is longer than the last axis of x ${shapeText(x.shape)}; pad x or use a shorter sequenceLength`);
  }
  const count = 1 + Math.floor((n - sequenceLength) / sequenceStride);
  const picked = gather(x, new Tensor(frameIndex(count, sequenceLength, sequenceStride), [count * sequenceLength], "int32"), x.rank - 1);
  return reshape(picked, [...x.shape.slice(0, -1), count, sequenceLength]);
}

/**
 * keras.ops.extract_sequences(x, sequence_length, sequence_stride): frames of sequenceLength
 * samples every sequenceStride samples along x's last axis, [..., n] -> [..., frames, length].
 */
function extractSequencesEager(xIn: Input, sequenceLength: number, sequenceStride: number): Tensor {
  const op = "extractSequences";
  checkPositiveInt(op, "sequenceLength", sequenceLength);
  checkPositiveInt(op, "sequenceStride", sequenceStride);
  return frames(op, realSignal(op, xIn), sequenceLength, sequenceStride);
}

/**
 * Overlap-add: [..., frames, length] -> [..., (frames - 1) * stride + length], frame t added at
 * t * stride. Its gradient is the framing gather.
 */
export function overlapAdd(x: Tensor, stride: number): Tensor {
  const [count, length] = x.shape.slice(-2);
  const total = count === 0 ? 0 : (count - 1) * stride + length;
  const lead = x.shape.slice(0, -2);
  const idx = frameIndex(count, length, stride);
  const outer = lead.reduce((a, b) => a * b, 1);
  const out = emptyTensor([...lead, total], x.dtype);
  backend().gatherGrad(num(x), idx, 1, [outer, total, 1], num(out));
  record("overlapAdd", [x], out, ([dy]) => [reshape(gather(dy, new Tensor(idx, [idx.length], "int32"), dy.rank - 1), x.shape)]);
  return out;
}

/** extractSequences, recording Keras' operation on symbolic tensors (see extractSequencesEager). */
export const extractSequences = sym.withSymbolic(extractSequencesEager, (x, sequenceLength, sequenceStride) => sym.symbolicOp("ExtractSequences", [x], { sequence_length: sequenceLength, sequence_stride: sequenceStride }));
