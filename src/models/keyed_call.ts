/**
 * A subclassed model called on an object of tensors keyed by name, as Keras' subclassed models take
 * any structure (`model({ inputs, targets })`, `model.fit({ inputs, targets })`): lamina's training
 * loops carry a model's inputs as a tensor or a list, so the object travels as the list of its
 * values in sorted key order (Keras' tree.flatten order for a dict), and the model turns that list
 * back into the object just before its own call() sees it. The keys are fixed by the first object
 * the model gets; later ones must have the same keys. A build(inputShape) the model defines gets
 * the object of the inputs' shapes keyed the same way, as Keras passes build a dict of shapes.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { LayerShape } from "../layers/symbolic.js";

/** The shapes of a model's inputs keyed by name, as its build(inputShape) gets them. */
export type KeyedShapes = Readonly<Record<string, LayerShape>>;

/** The keys of an object of inputs, sorted: the order its values travel in. */
export function sortedKeys(inputs: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(inputs).sort();
}

/**
 * The keys the model takes its inputs by after this object: `recorded` (those of an earlier object)
 * when the object has the same ones, its own the first time; other keys are refused, naming both.
 */
export function keyedCallKeys(modelName: string, recorded: readonly string[] | null, inputs: Readonly<Record<string, unknown>>, what: string): readonly string[] {
  const keys = sortedKeys(inputs);
  if (keys.length === 0) throw new TypeError(`${what}: model ${modelName} got an object with no keys; pass its inputs as { name: tensor, ... }`);
  if (recorded !== null && (keys.length !== recorded.length || keys.some((k, i) => k !== recorded[i]))) {
    throw new RangeError(
      `${what}: model ${modelName} takes its inputs keyed ${recorded.map((k) => `"${k}"`).join(", ")} (the keys it was first given), ` +
        `got an object keyed ${keys.map((k) => `"${k}"`).join(", ")}; pass an object with the same keys`,
    );
  }
  return recorded ?? keys;
}

/** The object the list of values (in sorted key order) stands for; a lone tensor for one key. */
export function packKeyedCall(modelName: string, keys: readonly string[], inputs: Tensor | Tensor[]): Readonly<Record<string, Tensor>> {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length !== keys.length) {
    throw new RangeError(
      `model ${modelName} takes its inputs as an object keyed ${keys.map((k) => `"${k}"`).join(", ")}, got ${list.length} tensor${list.length === 1 ? "" : "s"}; ` +
        "pass an object with those keys (or a list of their values in that order)",
    );
  }
  return Object.fromEntries(keys.map((k, i) => [k, list[i]]));
}

/** The object of shapes a model's build gets for inputs keyed `keys`: `shape` is their list (in sorted key order), or the one shape of a single key. */
export function packKeyedShapes(keys: readonly string[], shape: LayerShape | LayerShape[], asList: boolean): KeyedShapes {
  const list = asList ? (shape as LayerShape[]) : [shape as LayerShape];
  return Object.fromEntries(keys.map((k, i) => [k, list[i]]));
}
