/**
 * The layer specs (Keras config keys -> lamina options) of the Keras 3.15 layers added with the
 * adaptive pooling family, ReversibleEmbedding, Pipeline and STFTSpectrogram; spread into
 * LAYER_SPECS (layer_specs.ts), which `.keras` loading and serialization read.
 */
import type { LayerCtor, LayerSpec } from "./layer_specs.js";
import {
  AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D,
} from "../layers/adaptive_pooling.js";

const cls = (c: unknown): LayerCtor => c as LayerCtor;
const ADAPTIVE = ["output_size", "data_format"];

export const K315_LAY_LAYER_SPECS: Readonly<Record<string, LayerSpec>> = {
  AdaptiveAveragePooling1D: { cls: cls(AdaptiveAveragePooling1D), keys: ADAPTIVE },
  AdaptiveAveragePooling2D: { cls: cls(AdaptiveAveragePooling2D), keys: ADAPTIVE },
  AdaptiveAveragePooling3D: { cls: cls(AdaptiveAveragePooling3D), keys: ADAPTIVE },
  AdaptiveMaxPooling1D: { cls: cls(AdaptiveMaxPooling1D), keys: ADAPTIVE },
  AdaptiveMaxPooling2D: { cls: cls(AdaptiveMaxPooling2D), keys: ADAPTIVE },
  AdaptiveMaxPooling3D: { cls: cls(AdaptiveMaxPooling3D), keys: ADAPTIVE },
};
