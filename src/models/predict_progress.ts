/** predict's progress bar. */
import { ProgbarLogger } from "./callbacks/progbar.js";
import { type PredictArgs, verbosity } from "./model_args.js";

/**
 * predict's progress bar: Keras' ProgbarLogger, whose predict hooks are synchronous, so the
 * synchronous predict can drive it. Null when predict is silent (verbose 0, lamina's default).
 */
export function predictProgress(verbose: PredictArgs["verbose"], steps: number | null): { batchEnd: (batch: number) => void; end: () => void } | null {
  const level = verbose === undefined ? 0 : verbosity(verbose);
  if (level === 0) return null;
  const logger = new ProgbarLogger();
  logger.setParams({ epochs: 1, steps, verbose: level });
  logger.onPredictBegin({});
  return { batchEnd: (batch) => logger.onPredictBatchEnd(batch, {}), end: () => logger.onPredictEnd({}) };
}
