/**
 * What happens around every layer call (Keras' Layer.__call__): the training mode a call inherits
 * from the call it runs inside, the masks the inputs carry and the outputs get, and the losses the
 * activity regularizer adds.
 */
import { Tensor } from "../tensor/tensor.js";
import { maskOf, setMask } from "../tensor/keras_mask.js";
import { isFloatDType } from "../tensor/dtype.js";
import type { WeightRegularizer } from "./weights.js";
import { recordLayerLoss } from "./layer_losses.js";
import { sum } from "../ops/reduce.js";
import { SymbolicValue } from "../ops/symbolic.js";
import { runStateless } from "../tensor/stateless_scope.js";
import { valueText } from "../tensor/value_text.js";
import { shapeText } from "../tensor/shape.js";
import { type InputSpecSubject, type InputSpecValue, assertInputCompatibility } from "./input_spec.js";

export interface CallOptions {
  /** Training mode: Dropout drops, BatchNormalization uses and updates batch statistics. */
  training?: boolean;
  /**
   * Keras' `mask` call argument: bool, [batch, time] for sequences, false at the steps to skip (a
   * list, one per input, for a layer called on a list). A layer is called with the mask its inputs
   * carry (tensor.kerasMask) unless one is given here; a custom layer reads it in call(x, { mask }).
   */
  mask?: Mask;
}

/** Inputs keyed by name, as a subclassed model's call() may take them (see models/keyed_call.ts). */
export type KeyedCallInputs = Readonly<Record<string, Tensor>>;

/** A mask as layers pass it: one bool tensor, none, or one (or none) per input of a list. */
export type Mask = Tensor | null | readonly (Tensor | null)[];

/** The training mode of the layer calls in progress (Keras' call context), undefined outside any. */
let contextTraining: boolean | undefined;
/** How many layer calls are in progress: the outermost one clears the losses of the previous call (Keras' entry layer). */
let callDepth = 0;
/** True while computeOutputShape runs a layer on zeros: that call adds no losses, as Keras' symbolic calls add none. */
let probing = false;

/**
 * Runs `fn` as computeOutputShape's probe on zeros: its calls add no losses and warn of no dropped
 * mask, and, as in Keras' symbolic calls (a StatelessScope), the variables they assign and the random
 * generators they draw from are put back afterwards.
 */
export function whileProbing<T>(fn: () => T): T {
  const wasProbing = probing;
  probing = true;
  try {
    return runStateless(fn);
  } finally {
    probing = wasProbing;
  }
}

/**
 * Keras' _assert_input_compatibility, run on every call of a layer that has an inputSpec. Not
 * while computeOutputShape probes on zeros: their unknown sizes are 1 there, which a spec may
 * refuse where Keras' symbolic call (with None) passes; the symbolic call checks instead.
 */
export function checkLayerInputSpec(
  layer: { readonly inputSpec?: InputSpecValue; readonly name?: string },
  inputs: InputSpecSubject | readonly InputSpecSubject[],
): void {
  const spec = layer.inputSpec;
  if (spec === undefined || spec === null || probing) return;
  assertInputCompatibility(spec, inputs, layer.name ?? "");
}

/** The masks the inputs carry (tensor.kerasMask): one, a list for a list input, or null when none has one. */
export function inputMask(inputs: Tensor | readonly Tensor[]): Mask {
  if (!Array.isArray(inputs)) return maskOf(inputs as Tensor);
  const masks = (inputs as readonly Tensor[]).map(maskOf);
  return masks.some((m) => m !== null) ? masks : null;
}

/** The one mask of a single-input call (null when none), refusing a list of masks, naming the layer. */
export function singleMask(layer: { className: string; name: string }, mask: Mask | undefined): Tensor | null {
  if (Array.isArray(mask)) throw new TypeError(`${layer.className} ${layer.name}: expects one mask, got a list of ${mask.length}`);
  return (mask as Tensor | null | undefined) ?? null;
}

export function hasMask(mask: Mask | undefined): boolean {
  if (mask === undefined || mask === null) return false;
  return Array.isArray(mask) ? mask.some((m) => m !== null) : true;
}

/** The layers already warned that they drop a mask (Keras warns once per place). */
const warnedDropsMask = new WeakSet<object>();

/** What callInContext needs of a layer's masks (a Layer; a model passed as TrainableModel is one). */
interface MaskOwner {
  readonly supportsMasking?: boolean;
  computeMask?(inputs: Tensor | Tensor[], previousMask: Mask): Mask;
  readonly name?: string;
  readonly className?: string;
}

/**
 * Keras' Layer.__call__ for masks: a layer that supports masking attaches computeMask's result to
 * each output that has no mask yet; one that does not drops the mask, with a warning, so that
 * later layers do not see it.
 */
function attachOutputMasks(layer: MaskOwner, inputs: Tensor | Tensor[], out: unknown, previous: Mask): void {
  const outs = (Array.isArray(out) ? out : [out]).filter((t): t is Tensor => t instanceof Tensor);
  if (layer.supportsMasking === true && layer.computeMask) {
    if (outs.every((t) => maskOf(t) !== null)) return;
    const masks = layer.computeMask(inputs, previous);
    if (masks === null) return;
    const list = Array.isArray(masks) ? masks as readonly (Tensor | null)[] : [masks as Tensor];
    outs.forEach((t, i) => {
      const m = list[i] ?? null;
      if (maskOf(t) === null && m !== null) setMask(t, m);
    });
  } else if (hasMask(previous) && !probing && !warnedDropsMask.has(layer)) {
    warnedDropsMask.add(layer);
    process.emitWarning(
      `Layer '${layer.name}' (of type ${layer.className}) was passed an input with a mask attached to it. However, this layer does not ` +
        "support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
      "UserWarning",
    );
  }
}

/** What callInContext needs of a layer's losses (a Layer; models passed as TrainableModel are Layers too). */
interface LossOwner {
  readonly activityRegularizer?: WeightRegularizer | null;
  readonly ownLosses?: Tensor[];
  readonly subLayers?: readonly LossOwner[];
}

function clearLosses(layer: LossOwner, seen = new Set<LossOwner>()): void {
  if (seen.has(layer)) return;
  seen.add(layer);
  layer.ownLosses?.splice(0);
  for (const l of layer.subLayers ?? []) clearLosses(l, seen);
}

/** The layers whose own activity regularizer is off for the calls in progress (see withoutActivityLosses). */
const activityOff = new Set<object>();

/**
 * Runs `fn` with `layer`'s own activity regularizer off, for a wrapper that, as Keras' does,
 * calls the wrapped layer's `call` and so skips the penalty Layer.__call__ would add (Keras 3.5's
 * TimeDistributed). The layers it calls inside keep theirs.
 */
export function withoutActivityLosses<T>(layer: object, fn: () => T): T {
  if (activityOff.has(layer)) return fn();
  activityOff.add(layer);
  try {
    return fn();
  } finally {
    activityOff.delete(layer);
  }
}

/** Keras' Layer.__call__: the activity regularizer's penalty of each float output, as a loss of this call. */
function addActivityLosses(layer: LossOwner & { name?: string; className?: string }, out: unknown): void {
  const reg = layer.activityRegularizer;
  if (!reg || probing || activityOff.has(layer)) return;
  const outs = (Array.isArray(out) ? out : [out]).filter((t): t is Tensor => t instanceof Tensor && isFloatDType(t.dtype));
  for (const t of outs) {
    let p: Tensor;
    try {
      p = reg.call(t);
    } catch (e) {
      throw new TypeError(`${layer.className} ${layer.name}: activityRegularizer: ${(e as Error).message}`);
    }
    layer.ownLosses?.push(p);
    recordLayerLoss(p);
  }
}

/**
 * Keras' Layer.add_loss: a loss a layer computes in call() (a VAE's KL term, a penalty). It joins
 * the layer's `losses`, and fit/evaluate add it to the compiled loss summed to a scalar, as Keras'
 * compute_loss sums each added loss. Calls made only to infer shapes add nothing.
 */
export function addLayerLoss(layer: LossOwner & { name?: string; className?: string }, loss: unknown): void {
  const list = Array.isArray(loss) ? (loss as unknown[]) : [loss];
  for (const t of list) {
    if (t instanceof SymbolicValue) {
      // tf.keras 2's model.add_loss(symbolic) on a functional model; Keras 3 refuses it too.
      throw new TypeError(
        `${layer.className} ${layer.name}.addLoss: got a symbolic tensor ${shapeText(t.shape.map((d) => d ?? -1))}; as in Keras 3, ` +
          "addLoss takes tensors computed inside build() or call() on real inputs, not the symbolic tensors of a functional model " +
          "being defined. Add the loss in a layer's call instead (a layer that calls this.addLoss(...) and returns its input), " +
          "and use that layer in the model",
      );
    }
    if (!(t instanceof Tensor) || !isFloatDType(t.dtype)) {
      throw new TypeError(
        `${layer.className} ${layer.name}.addLoss: expected a float tensor (or a list of them) computed in call(), got ` +
          `${t instanceof Tensor ? `${t.dtype} ${shapeText(t.shape)}` : valueText(t)}; e.g. this.addLoss(tf.mul(0.01, tf.sum(tf.square(x))))`,
      );
    }
  }
  if (probing) return;
  for (const t of list as Tensor[]) {
    layer.ownLosses?.push(t);
    recordLayerLoss(t.rank === 0 ? t : sum(t));
  }
}

/**
 * Runs `layer.call` as Keras' Layer.__call__ does for the training argument: a call that does not
 * set `training` takes the mode of the call it runs inside, so the Dropout or BatchNormalization a
 * custom layer or subclassed model calls as `this.dropout(x)` trains when fit trains the model;
 * outside any such call it takes the layer's defaultTraining.
 * Every call of a layer's `call` from the library goes through here, after the layer's inputSpec check.
 */
export function callInContext<T>(
  layer: {
    call(inputs: Tensor | Tensor[] | KeyedCallInputs, opts: CallOptions): T;
    readonly defaultTraining?: boolean | undefined;
    readonly inputSpec?: InputSpecValue;
    /** What call() is given for these inputs, when not the inputs themselves (a subclassed model given an object keyed by name). */
    callInputs?(inputs: Tensor | Tensor[]): Tensor | Tensor[] | KeyedCallInputs;
  } & MaskOwner,
  inputs: Tensor | Tensor[], opts: CallOptions,
): T {
  checkLayerInputSpec(layer, inputs);
  // Keras' step 6: the mask the inputs carry, unless the caller gave one.
  const previous = opts.mask !== undefined ? opts.mask : inputMask(inputs);
  if (opts.mask === undefined && hasMask(previous)) opts = { ...opts, mask: previous };
  const training = opts.training ?? contextTraining ?? layer.defaultTraining;
  const outer = contextTraining;
  const owner = layer as LossOwner;
  if (callDepth === 0 && !probing) clearLosses(owner);
  contextTraining = training;
  callDepth++;
  try {
    const out = layer.call(layer.callInputs ? layer.callInputs(inputs) : inputs, training === opts.training ? opts : { ...opts, training });
    addActivityLosses(owner, out);
    attachOutputMasks(layer, inputs, out, previous ?? null);
    return out;
  } finally {
    contextTraining = outer;
    callDepth--;
  }
}
