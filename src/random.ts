/** tf.random: one seedable generator shared by every backend. */
export { setSeed, uniform, normal, truncatedNormal, shuffle, RandomGenerator, type RandomOptions } from "./tensor/random.js";
/** keras.random's SeedGenerator and the distributions it adds (Keras names in camelCase). */
export { SeedGenerator, type Seed } from "./tensor/random.js";
export { gamma, beta, binomial, categorical, randint, dropout } from "./ops/random_dists.js";
export type { RandomParam, RandomDistOptions, IntRandomOptions, RandomDropoutOptions } from "./ops/random_dists.js";
