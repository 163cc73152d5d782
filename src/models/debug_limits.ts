/**
 * Keras 3's debugging caps (keras.config.set_max_epochs / set_max_steps_per_epoch, or the
 * KERAS_MAX_EPOCHS / KERAS_MAX_STEPS_PER_EPOCH environment variables): fit runs at most that many
 * epochs, and every epoch of fit, its validation, evaluate and predict reads at most that many
 * batches, so that a whole script runs quickly. With tensors and no batchSize, the samples spread
 * over the capped number of steps, as Keras' array adapter spreads them over its capped
 * steps_per_epoch. Unlike Keras, a cap above the number of batches the data has changes nothing
 * (Keras would make it the epoch's length and then warn that the data ran out).
 */
import { valueText } from "../tensor/value_text.js";
import { tensorStepsPlan } from "./fit_batches.js";

function limitFromEnv(name: string): number | null {
  const text = typeof process === "undefined" ? undefined : process.env[name];
  if (text === undefined || text === "") return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`config: the environment variable ${name} must be a whole number >= 0, got ${valueText(text)}`);
  return n === 0 ? null : n;
}

let maxEpochsLimit: number | null = limitFromEnv("KERAS_MAX_EPOCHS");
let maxStepsLimit: number | null = limitFromEnv("KERAS_MAX_STEPS_PER_EPOCH");

function checkedLimit(op: string, v: unknown): number | null {
  if (v === null || v === undefined || v === 0) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new RangeError(`config.${op}: the limit must be a whole number >= 1, or null for none, got ${valueText(v)}`);
  return v;
}

/** keras.config.set_max_epochs: caps fit's epochs (for debugging runs); null (or 0) removes the cap. */
export function setMaxEpochs(maxEpochs: number | null): void {
  maxEpochsLimit = checkedLimit("setMaxEpochs", maxEpochs);
}

/** keras.config.max_epochs: the cap on fit's epochs, or null. */
export function maxEpochs(): number | null {
  return maxEpochsLimit;
}

/** keras.config.set_max_steps_per_epoch: caps the batches of every epoch of fit, evaluate and predict; null (or 0) removes it. */
export function setMaxStepsPerEpoch(maxStepsPerEpoch: number | null): void {
  maxStepsLimit = checkedLimit("setMaxStepsPerEpoch", maxStepsPerEpoch);
}

/** keras.config.max_steps_per_epoch: the cap on the batches per epoch, or null. */
export function maxStepsPerEpoch(): number | null {
  return maxStepsLimit;
}

/** fit's epochs under the cap, with Keras' warning when it applies. */
export function cappedEpochs(epochs: number): number {
  if (maxEpochsLimit === null || !(maxEpochsLimit < epochs)) return epochs;
  process.emitWarning(`fit: limiting epochs to ${maxEpochsLimit} (config.setMaxEpochs)`, "UserWarning");
  return maxEpochsLimit;
}

/**
 * A number of batches under the cap: `steps` when known (the count given, or the batches the data
 * has), undefined for "all of an unknown number" (the cap then becomes the limit). Warns when the
 * cap applies, naming the argument it stands in for.
 */
export function cappedSteps(op: string, name: string, steps: number | undefined): number | undefined {
  if (maxStepsLimit === null || (steps !== undefined && !(maxStepsLimit < steps))) return steps;
  process.emitWarning(`${op}: limiting ${name} to ${maxStepsLimit} (config.setMaxStepsPerEpoch)`, "UserWarning");
  return maxStepsLimit;
}

/** How many of n rows fit validates on in batches of `batchSize` under the cap (all when none). */
export function cappedValidationRows(n: number, batchSize: number): number {
  return maxStepsLimit === null ? n : Math.min(n, maxStepsLimit * batchSize);
}

/** tensorStepsPlan under the cap: when it would read more batches than the cap, the plan for the capped steps. */
export function cappedTensorPlan(n: number, batchSize: number | null, steps: number | null, op: string): { batchSize: number; batches: number; capped: boolean } {
  const plan = tensorStepsPlan(n, batchSize, steps, op);
  const capped = cappedSteps(op, "steps", plan.batches) ?? plan.batches;
  return capped < plan.batches ? { ...tensorStepsPlan(n, batchSize, capped, op), capped: true } : { ...plan, capped: false };
}
