/**
 * The layer specs (Keras config keys -> lamina options) of the Keras 3.15 layers added with the
 * adaptive pooling family, ReversibleEmbedding, Pipeline and STFTSpectrogram; spread into
 * LAYER_SPECS (layer_specs.ts), which `.keras` loading and serialization read.
 */
import type { LayerCtor, LayerSpec } from "./layer_specs.js";
import {
  AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D,
} from "../layers/adaptive_pooling.js";
import { ReversibleEmbedding } from "../layers/reversible_embedding.js";
import { Pipeline } from "../layers/pipeline.js";
import { STFTSpectrogram } from "../layers/stft_spectrogram.js";

const cls = (c: unknown): LayerCtor => c as LayerCtor;
const ADAPTIVE = ["output_size", "data_format"];

/** Config keys of these classes that hold a list of serialized layers (Pipeline's layers). */
export const K315_LAY_LAYER_LIST_KEYS = ["layers"];

export const K315_LAY_LAYER_SPECS: Readonly<Record<string, LayerSpec>> = {
  AdaptiveAveragePooling1D: { cls: cls(AdaptiveAveragePooling1D), keys: ADAPTIVE },
  AdaptiveAveragePooling2D: { cls: cls(AdaptiveAveragePooling2D), keys: ADAPTIVE },
  AdaptiveAveragePooling3D: { cls: cls(AdaptiveAveragePooling3D), keys: ADAPTIVE },
  AdaptiveMaxPooling1D: { cls: cls(AdaptiveMaxPooling1D), keys: ADAPTIVE },
  AdaptiveMaxPooling2D: { cls: cls(AdaptiveMaxPooling2D), keys: ADAPTIVE },
  AdaptiveMaxPooling3D: { cls: cls(AdaptiveMaxPooling3D), keys: ADAPTIVE },
  // Keras 3.15's Embedding keys (no sparse; quantization_config null, as GLOBAL_FIXED accepts) and its own three.
  ReversibleEmbedding: {
    cls: cls(ReversibleEmbedding),
    keys: [
      "input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero", "lora_rank",
      "tie_weights", "reverse_dtype", "logit_soft_cap", "quantization_config",
    ],
  },
  // Keras' Pipeline.get_config writes only these two (name is every layer's).
  Pipeline: { cls: cls(Pipeline), keys: ["layers"] },
  // window null is "no window" and scaling null "no scaling", not their defaults.
  STFTSpectrogram: {
    cls: cls(STFTSpectrogram),
    keys: ["mode", "frame_length", "frame_step", "fft_length", "window", "periodic", "scaling", "padding", "data_format", "expand_dims"],
    nullable: ["window", "scaling"],
  },
};
