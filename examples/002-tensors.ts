// Notebook 002, "Tenseurs et opérations": every cell of the tensor section, in order.
// Run: npm run example -- 002-tensors
import * as tf from "../src/index.js";

console.log(tf.version);

// Freeze randomness for reproducible experiments (tf.random.set_seed(RANDOM_SEED)).
const RANDOM_SEED = 42;
tf.random.setSeed(RANDOM_SEED);

// ## Tenseurs et opérations
// a = np.array([1, 2, 3]): NumPy's default integer is int64, which a BigInt64Array plays here.
let a = tf.constant(new BigInt64Array([1n, 2n, 3n]));
console.log(`${JSON.stringify(a.arraySync())}, ${a.dtype}`);

// tf_a = tf.constant(a): the dtype is inherited (int64)...
let tfA = tf.constant(a);
console.log(tfA.toString());

// ...while integer literals give int32.
let b = tf.constant([1, 2, 3]);
console.log(b.toString());

b = tf.constant([1, 2, 3], "int64");
console.log(tf.equal(tfA, b).toString());

// ### Exercice: W = [[1, 2, 3], [4, 5, 6]] two ways, with the same shape and dtype.
a = tf.constant(new BigInt64Array([1n, 2n, 3n, 4n, 5n, 6n]), [2, 3]);
console.log(`shape = (${a.shape.join(", ")}), data type = ${a.dtype}`);
tfA = tf.constant(a);
console.log(`shape = (${tfA.shape.join(", ")}), data type = ${tfA.dtype}`);
b = tf.constant([[1, 2, 3], [4, 5, 6]], "int64");
console.log(`shape = (${b.shape.join(", ")}), data type = ${b.dtype}`);
console.log(tf.equal(tfA, b).toString());

// ### Exercice: reshape to (3, 2)
b = tf.constant([[1, 2, 3], [4, 5, 6]], "int64");
b = tf.reshape(b, [3, 2]);
console.log(b.toString());

console.log(tf.transpose(b).toString());

// tf.transpose(b) @ b. lamina's int64 supports creation, comparison, shape ops and casts
// only, so the product is taken in int32.
const b32 = tf.cast(b, "int32");
console.log(tf.matmul(tf.transpose(b32), b32).toString());

// A -1 lets reshape work out one dimension from the others.
b = tf.reshape(b, [1, -1]);
console.log(b.toString());

// c = np.random.random_sample((100,)) is float64 in [0, 1)
let c = tf.random.uniform([100], 0, 1, { dtype: "float64" });
c = tf.reshape(c, [-1, 25, 2]);
console.log(`shape=(${c.shape.join(", ")}), dtype=${c.dtype}`);
