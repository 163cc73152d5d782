/**
 * Keras fixes a model's trainable variables when it first trains after compile() (its TensorFlow
 * backend traces the train step then, its JAX backend reads them as fit starts): a change to
 * `layer.trainable` between compile and the first fit takes effect; one made after that waits for
 * the next compile, and fit warns once that it is not yet in force (the notebooks'
 * transfer-learning recipe freezes, compiles, fits, unfreezes, compiles again).
 */
import type { Variable } from "../tensor/variable.js";
import type { Layer } from "../layers/layer.js";

export interface TrainableSnapshot {
  /** Each layer's trainable flag when the model first trained after compile (nested layers included). */
  flags: Map<Layer, boolean>;
  /** The variables fit updates; taken then when the model is built, else at its first step. */
  weights: Variable[] | null;
  /** False from compile() until the first fit or trainOnBatch takes the flags and weights. */
  taken: boolean;
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

/** What compile() records: nothing yet, the first training after it takes the snapshot (takeTrainable). */
export function pendingTrainable(): TrainableSnapshot {
  return { flags: new Map(), weights: null, taken: false };
}

/** Takes the trainable flags and variables at the first training after compile; later calls keep them. */
export function takeTrainable(model: SnapshotModel, snap: TrainableSnapshot): void {
  if (snap.taken) return;
  snap.flags = new Map(flattenLayers(model).map((l) => [l, l.trainable]));
  snap.weights = model.built ? model.trainableWeights : null;
  snap.taken = true;
}

/** The variables to train: those of compile time (an unbuilt model's are taken at its first step). */
export function compiledTrainableWeights(model: { readonly trainableWeights: Variable[] }, snap: TrainableSnapshot): Variable[] {
  snap.weights ??= model.trainableWeights;
  return snap.weights;
}

/** Keras' _warn_if_trainable_state_changed: once per change, naming the layers. */
export function warnIfTrainableChanged(model: SnapshotModel & { readonly name: string }, snap: TrainableSnapshot): void {
  if (!snap.taken) return;
  const now = flattenLayers(model);
  const changed = now.filter((l) => !snap.flags.has(l) || snap.flags.get(l) !== l.trainable);
  if (changed.length === 0) return;
  process.emitWarning(
    `Model ${model.name}: a layer's trainable state has changed since the model first trained after compile, so the change does not take effect yet; ` +
      `call model.compile(...) again before fit() (changed layers: ${changed.map((l) => l.name).join(", ")})`,
    "UserWarning",
  );
  snap.flags = new Map(now.map((l) => [l, l.trainable]));
}
