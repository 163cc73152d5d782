/**
 * The keras.ops members Keras 3.6-3.15 added to its activation, normalization, attention and
 * pixel-shuffle families, camelCased with Keras' positional arguments; keras_ops.ts re-exports them
 * into the `ops` namespace.
 */
export {
  celu, glu, hardShrink, hardTanh, softShrink, sparsePlus, sparseSigmoid, sparsemax, squareplus, tanhShrink, threshold,
} from "./activation315.js";
export { layerNormalization, rmsNormalization } from "./norm315.js";
export { dotProductAttention } from "./attention315.js";
export { depthToSpace, spaceToDepth } from "./depth_space.js";
export { saturateCast } from "./saturate_cast.js";
