/**
 * `tf.linalg` and `ops.linalg`: ops/linalg-namespace.ts plus Keras 3.15's `jvp`, which drives the
 * gradient tape and so lives in autograd/, which sits below ops/ (ops cannot export it themselves).
 */
export * from "./ops/linalg-namespace.js";
export { jvp } from "./autograd/jvp.js";
