/**
 * Keras determines a model's trainable variables at compile(): changing `layer.trainable` later
 * takes effect at the next compile, and fit warns once that the change is not yet in force (the
 * notebooks' transfer-learning recipe freezes, compiles, fits, unfreezes, compiles again).
 */
import type { Variable } from "../tensor/variable.js";
import type { Layer } from "../layers/layer.js";

export interface TrainableSnapshot {
  /** Each layer's trainable flag at compile time (nested layers included). */
  flags: Map<Layer, boolean>;
  /** The variables fit updates; taken at compile when the model is built, else at its first step. */
  weights: Variable[] | null;
}

interface SnapshotModel {
  readonly built: boolean;
  readonly trainableWeights: Variable[];
  readonly subLayers: Layer[];
}

function flattenLayers(model: SnapshotModel): Layer[] {
  const out: Layer[] = [];
  const seen = new Set<Layer>();
  const visit = (l: Layer): void => {
    if (seen.has(l)) return;
    seen.add(l);
    out.push(l);
    l.subLayers.forEach(visit);
  };
  model.subLayers.forEach(visit);
  return out;
}

export function snapshotTrainable(model: SnapshotModel): TrainableSnapshot {
  return {
    flags: new Map(flattenLayers(model).map((l) => [l, l.trainable])),
    weights: model.built ? model.trainableWeights : null,
  };
}

/** The variables to train: those of compile time (an unbuilt model's are taken at its first step). */
export function compiledTrainableWeights(model: { readonly trainableWeights: Variable[] }, snap: TrainableSnapshot): Variable[] {
  snap.weights ??= model.trainableWeights;
  return snap.weights;
}

/** Keras' _warn_if_trainable_state_changed: once per change, naming the layers. */
export function warnIfTrainableChanged(model: SnapshotModel & { readonly name: string }, snap: TrainableSnapshot): void {
  const now = flattenLayers(model);
  const changed = now.filter((l) => !snap.flags.has(l) || snap.flags.get(l) !== l.trainable);
  if (changed.length === 0) return;
  process.emitWarning(
    `Model ${model.name}: a layer's trainable state has changed since the model was compiled, so the change does not take effect yet; ` +
      `call model.compile(...) again before fit() (changed layers: ${changed.map((l) => l.name).join(", ")})`,
    "UserWarning",
  );
  snap.flags = new Map(now.map((l) => [l, l.trainable]));
}
