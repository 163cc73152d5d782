/** `lamina summary <model>`: the Keras summary table of a built-in model or a model file. */
import type { CommandInput } from "./cli.js";
import { loadModelSpec } from "./model-source.js";

export async function summaryCommand({ operands, io }: CommandInput): Promise<number> {
  const { model } = await loadModelSpec(operands[0], { builtIn: true, compile: false });
  model.summary((text) => io.out(text));
  return 0;
}
