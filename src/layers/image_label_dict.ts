/**
 * The `{ images, labels }` call form of Keras 3.15's image preprocessing layers (every random image
 * layer, through RandomImageLayer, and the deterministic AutoContrast, Equalization and CLAHE): called on such an object, a
 * layer returns one, with the labels mixed by the images' weights (MixUp, CutMix) or passed
 * through (the others). That is how Keras pipelines use them, e.g.
 * `ds.map((x, y) => mixUp({ images: x, labels: y }))`. It works on tensors only: a model's
 * symbolic inputs are single tensors.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { type CallOptions, callInContext } from "./call_context.js";
import { type Layer, type LayerInput, type LayerShape } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import { single } from "./core.js";

/** Images ([h, w, c] or [n, h, w, c]) with their labels ([classes] or [n, classes]); other keys pass through unchanged, as in Keras. */
export interface ImageLabelDict {
  images: Tensor;
  labels?: Tensor;
  [key: string]: unknown;
}

/** The callable forms of a layer that also takes an ImageLabelDict (merged into each such class). */
export interface ImageLabelCallable {
  (inputs: Tensor, opts?: CallOptions): Tensor;
  (inputs: SymbolicTensor, opts?: CallOptions): SymbolicTensor;
  (data: ImageLabelDict, opts?: CallOptions): ImageLabelDict;
}

/** What augment returns: the images, and the labels when there were labels. */
export interface Augmented {
  images: Tensor;
  labels?: Tensor;
}

/** A plain object (not a tensor, a symbolic tensor or a list): the dict form. */
export function isImageLabelDict(v: unknown): v is ImageLabelDict {
  return isPlainObject(v);
}

/** Keras' keys that these layers do not transform: refused rather than passed through untransformed. */
const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  bounding_boxes: "bounding boxes",
  segmentation_masks: "segmentation masks",
};

/**
 * Checks an ImageLabelDict and runs `augment` on it as a layer call (the training mode of
 * `opts`, of the call it runs inside, or the layer's default), returning the dict with the
 * new images and labels. `handled` names the Keras keys (bounding_boxes, segmentation_masks)
 * the calling layer transforms itself, which are then let through (MaxNumBoundingBoxes); every
 * other layer passes none and refuses them.
 */
export function applyImageLabelDict(
  layer: Layer, data: ImageLabelDict, opts: CallOptions | undefined,
  augment: (images: Tensor, labels: Tensor | undefined, training: boolean) => Augmented,
  handled: readonly string[] = [],
): ImageLabelDict {
  const where = `${layer.className} ${layer.name}`;
  for (const [key, what] of Object.entries(UNSUPPORTED_KEYS)) {
    if (key in data && !handled.includes(key)) throw new TypeError(`${where}: ${what} (the "${key}" key) are not supported; pass { images } or { images, labels }`);
  }
  const { images, labels } = data;
  if (images instanceof SymbolicTensor || labels instanceof SymbolicTensor) {
    throw new TypeError(
      `${where}: a { images, labels } object is taken on tensors only (e.g. in Dataset.map), not on symbolic inputs; ` +
        `in a model, call the layer on the images: ${layer.className}(...)(x)`,
    );
  }
  if (!(images instanceof Tensor)) {
    throw new TypeError(`${where}: a dict input needs an "images" tensor ([h, w, c] or [n, h, w, c]), got images = ${valueText(images)}; e.g. layer({ images: x, labels: y })`);
  }
  if (labels !== undefined && !(labels instanceof Tensor)) {
    throw new TypeError(`${where}: "labels" must be a tensor (one-hot [n, classes] for a batch), got ${valueText(labels)}`);
  }
  const call = (x: Tensor | Tensor[], o: CallOptions): Augmented => augment(single(x, layer), labels, o.training === true);
  const out = callInContext({ call, defaultTraining: layer.defaultTraining, name: layer.name, className: layer.className }, images, opts ?? {});
  const result: ImageLabelDict = { ...data, images: out.images };
  if (labels !== undefined) result.labels = out.labels ?? labels;
  return result;
}

/** apply is typed to return tensors, so the dict form is the layer's own call: layer({ images, labels }). */
export function dictApplyRefused(layer: Layer): TypeError {
  return new TypeError(`${layer.className} ${layer.name}: apply takes tensors; call the layer itself on a { images, labels } object: layer({ images, labels })`);
}
