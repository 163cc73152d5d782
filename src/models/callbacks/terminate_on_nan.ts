import { Callback, type Logs } from "./callback.js";
import { type ProgressWriter, getOutputWriter, printMsg } from "./output.js";
import { writerOption } from "./callback_options.js";
import { booleanOption, optionsObject } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

export interface TerminateOnNaNOptions {
  /** Throw instead of stopping after the batch (default false). */
  raiseError?: boolean;
  /** Output for the message (default: the callbacks' output writer). */
  writer?: ProgressWriter;
}

/** Stops training when a batch loss is NaN or infinite. */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;
  private readonly writer: ProgressWriter | undefined;

  constructor(given: TerminateOnNaNOptions = {}) {
    super();
    const options = optionsObject("TerminateOnNaN", given, "{ raiseError: true }");
    checkOptionKeys("TerminateOnNaN", options, ["raiseError", "writer"]);
    this.raiseError = booleanOption("TerminateOnNaN", "raiseError", options.raiseError, false);
    this.writer = writerOption("TerminateOnNaN", options.writer);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs?.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new Error(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`);
    }
    printMsg(`Batch ${batch}: Invalid loss, terminating training`, true, this.writer ?? getOutputWriter());
    this.model.stopTraining = true;
  }
}
