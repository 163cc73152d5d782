/** tf.random: one seedable generator shared by every backend. */
export { setSeed, uniform, normal, truncatedNormal, shuffle, RandomGenerator, type RandomOptions } from "./tensor/random.js";
