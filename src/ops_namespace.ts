/**
 * `ops` (keras.ops): ops/keras_ops.ts plus Keras 3.15's `jvp`, which drives the gradient tape and
 * so lives in autograd/, below ops/; `ops.linalg` gains it too.
 */
export * from "./ops/keras_ops.js";
export { jvp } from "./autograd/jvp.js";
export * as linalg from "./linalg_namespace.js";
