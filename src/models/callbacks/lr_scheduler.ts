import { Callback, type Logs } from "./callback.js";
import { pyFloatRepr } from "./format.js";
import { type ProgressWriter, getOutputWriter, printMsg } from "./output.js";
import { readLearningRate, requireOptimizer } from "./reduce_lr.js";
import { verboseOption, writerOption } from "./callback_options.js";
import { optionsObject } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

/** `(epoch, currentLearningRate) => newLearningRate`; epoch is 0-based. */
export type LearningRateSchedule = (epoch: number, lr: number) => number;

export interface LearningRateSchedulerOptions {
  /** 1 prints the learning rate set at each epoch (default 0). */
  verbose?: number;
  /** Output for the verbose messages (default: the callbacks' output writer). */
  writer?: ProgressWriter;
}

/** Sets the optimizer's learning rate at the start of each epoch from `schedule(epoch, lr)`. */
export class LearningRateScheduler extends Callback {
  readonly schedule: LearningRateSchedule;
  readonly verbose: number;
  private readonly writer: ProgressWriter | undefined;

  constructor(schedule: LearningRateSchedule, options: number | LearningRateSchedulerOptions = {}) {
    super();
    if (typeof schedule !== "function") {
      throw new TypeError("LearningRateScheduler: schedule must be a function (epoch, lr) => number");
    }
    // Keras' positional verbose (LearningRateScheduler(schedule, 1)), or the options.
    const opts: LearningRateSchedulerOptions = typeof options === "number" || typeof options === "boolean"
      ? { verbose: Number(options) }
      : optionsObject("LearningRateScheduler", options, "{ verbose: 1 }");
    checkOptionKeys("LearningRateScheduler", opts, ["verbose", "writer"]);
    this.schedule = schedule;
    this.verbose = verboseOption("LearningRateScheduler", opts.verbose, 0);
    this.writer = writerOption("LearningRateScheduler", opts.writer);
  }

  override onEpochBegin(epoch: number, logs: Logs): void {
    const optimizer = requireOptimizer(this.model, "LearningRateScheduler");
    const lr: unknown = this.schedule(epoch, readLearningRate(optimizer));
    if (typeof lr !== "number") {
      throw new TypeError(`The output of the \`schedule\` function should be a float. Got: ${String(lr)}`);
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0) {
      printMsg(
        `\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${pyFloatRepr(lr)}.`,
        true,
        this.writer ?? getOutputWriter(),
      );
    }
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    logs.learning_rate = readLearningRate(requireOptimizer(this.model, "LearningRateScheduler"));
  }
}
