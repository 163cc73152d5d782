/**
 * Keyword arguments of a functional call that lamina layers take as call options, as Keras 3
 * records them in a node's kwargs: ReversibleEmbedding's `reverse` (Keras 3.15). Written from the
 * options the node keeps (nodeCallOptions) and read back into the options of the rebuilt call.
 */
import type { Layer } from "../layers/layer.js";
import type { LayerNode } from "../layers/symbolic.js";
import { nodeCallOptions } from "../layers/node_options.js";
import { ReversibleEmbedding, type ReversibleEmbeddingCallOptions } from "../layers/reversible_embedding.js";
import { valueText } from "../tensor/value_text.js";
import type { JsonObject } from "./config_json.js";

/** The kwargs Keras records for this call's options: `{ reverse: true }` for a reverse ReversibleEmbedding call, else none. */
export function optionKwargsJson(layer: Layer, node: LayerNode): JsonObject {
  if (!(layer instanceof ReversibleEmbedding)) return {};
  return (nodeCallOptions.get(node) as ReversibleEmbeddingCallOptions | undefined)?.reverse === true ? { reverse: true } : {};
}

/** The call options of a recorded call's `reverse` kwarg (undefined or null: none); refused on layers without it. */
export function readOptionKwargs(layer: Layer, reverse: unknown, where: string): ReversibleEmbeddingCallOptions {
  if (reverse === undefined || reverse === null) return {};
  if (!(layer instanceof ReversibleEmbedding)) {
    throw new RangeError(`${where}: the layer is called with the keyword argument reverse=${JSON.stringify(reverse)}, which only ReversibleEmbedding takes`);
  }
  if (typeof reverse !== "boolean") throw new TypeError(`${where}: the keyword argument reverse must be true or false, got ${valueText(reverse)}`);
  return { reverse };
}
