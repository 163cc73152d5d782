/**
 * The error for a sliding window (a convolution's kernel, a pooling window) that leaves no output
 * along some spatial axis: TensorFlow's "Negative dimension size", worded by what the output size
 * would be (0 or negative), with the numbers and the fix. The convolution and pooling ops and the
 * layers built on them (which name themselves and show their input's shape, None for the batch)
 * all report through it.
 */

export interface WindowOutput {
  what: "kernel" | "pool";
  /** The window's size along each spatial axis. */
  window: readonly number[];
  strides: readonly number[];
  /** The kernel's dilation along each spatial axis (kernels only). */
  dilations?: readonly number[];
  /** The padding as the caller wrote it: valid, same, causal or explicit pairs. */
  padding: string;
  /** The output size along each spatial axis (null where the input's size is unknown). */
  out: readonly (number | null)[];
  /** The paddings that always fit, for the fix; default "same" (the 1-D convolutions add "causal"). */
  fittingPadding?: string;
}

const dims = (v: readonly (number | null)[]): string => v.map((d) => (d === null ? "?" : String(d))).join("x");

/**
 * Throws when some output size is 0 or less. `where` starts the message (the op's name, or the
 * layer's class and name); `subject` names the input with its shape, e.g. "input (None, 5, 5, 3)",
 * called only to write the error, as every convolution and pooling call passes here.
 */
export function checkWindowOutput(where: string, subject: () => string, w: WindowOutput): void {
  const known = w.out.filter((d): d is number => d !== null);
  if (!known.some((d) => d <= 0)) return;
  const size = known.some((d) => d < 0) ? "negative" : "0";
  const dil = w.what === "kernel" && w.dilations ? ` (dilation ${dims(w.dilations)})` : "";
  throw new RangeError(
    `${where}: the output size would be ${size} (${dims(w.out)}): ${subject()} is too small for ${w.what} ${dims(w.window)}${dil} ` +
      `with strides ${dims(w.strides)} and padding ${w.padding.startsWith("[") ? w.padding : `"${w.padding}"`}; use padding ${w.fittingPadding ?? '"same"'}, a smaller ${w.what} or a larger input`,
  );
}
