/** tf.linalg: the linear-algebra ops under TensorFlow.js' namespace (also exported at the top level). */
export { bandPart, norm, tensordot, outerProduct } from "./linalg.js";
/** keras.ops.linalg's decompositions and solvers (camelCase names); only under tf.linalg. */
export { cholesky, luFactor, qr, eigh, eig, svd, type QrMode } from "./linalg_decompose.js";
export { det, inv, solve, solveTriangular, lstsq } from "./linalg_solve.js";
export { slogdet } from "./linalg_solve.js";
/** keras.linalg's Keras 3.15 additions. */
export { choleskyInverse, matrixRank, pinv } from "./keras_ops_linalg315.js";
