/** `tf.initializers` (keras.initializers): classes callable with or without `new`, `get`, `computeFans`. */
import { callableClass } from "./common.js";
import * as m from "./initializers.js";

export const Zeros = callableClass(m.Zeros);
export type Zeros = m.Zeros;
export const Ones = callableClass(m.Ones);
export type Ones = m.Ones;
export const Constant = callableClass(m.Constant);
export type Constant = m.Constant;
export const Identity = callableClass(m.Identity);
export type Identity = m.Identity;
/** Keras 3.5's export names of the same class. */
export const IdentityInitializer = Identity;
export type IdentityInitializer = m.Identity;
export const identity = Identity;
export const RandomNormal = callableClass(m.RandomNormal);
export type RandomNormal = m.RandomNormal;
export const TruncatedNormal = callableClass(m.TruncatedNormal);
export type TruncatedNormal = m.TruncatedNormal;
export const RandomUniform = callableClass(m.RandomUniform);
export type RandomUniform = m.RandomUniform;
export const VarianceScaling = callableClass(m.VarianceScaling);
export type VarianceScaling = m.VarianceScaling;
export const GlorotUniform = callableClass(m.GlorotUniform);
export type GlorotUniform = m.GlorotUniform;
export const GlorotNormal = callableClass(m.GlorotNormal);
export type GlorotNormal = m.GlorotNormal;
export const HeNormal = callableClass(m.HeNormal);
export type HeNormal = m.HeNormal;
export const HeUniform = callableClass(m.HeUniform);
export type HeUniform = m.HeUniform;
export const LecunNormal = callableClass(m.LecunNormal);
export type LecunNormal = m.LecunNormal;
export const LecunUniform = callableClass(m.LecunUniform);
export type LecunUniform = m.LecunUniform;
export const Orthogonal = callableClass(m.Orthogonal);
export type Orthogonal = m.Orthogonal;
/** Keras 3.5's export names of the same class (keras.initializers.OrthogonalInitializer, .orthogonal). */
export const OrthogonalInitializer = Orthogonal;
export type OrthogonalInitializer = m.Orthogonal;
export const orthogonal = Orthogonal;
/** Keras 3.15's STFT kernel initializer (keras.initializers.STFT, STFTInitializer, stft). */
export const STFT = callableClass(m.STFT);
export type STFT = m.STFT;
export const STFTInitializer = STFT;
export type STFTInitializer = m.STFT;
export const stft = STFT;
export type { STFTOptions } from "./initializers.js";

/**
 * Keras' lowercase names of the classes (keras.initializers.glorot_uniform is GlorotUniform), in
 * lamina's camelCase: initializers.glorotUniform({ seed: 1 }).
 */
export const zeros = Zeros;
export const ones = Ones;
export const constant = Constant;
export const randomNormal = RandomNormal;
export const truncatedNormal = TruncatedNormal;
export const randomUniform = RandomUniform;
export const varianceScaling = VarianceScaling;
export const glorotUniform = GlorotUniform;
export const glorotNormal = GlorotNormal;
export const heNormal = HeNormal;
export const heUniform = HeUniform;
export const lecunNormal = LecunNormal;
export const lecunUniform = LecunUniform;

export {
  Initializer, RandomInitializer, get, deserialize, serialize, computeFans, INITIALIZER_NAMES,
} from "./initializers.js";
export type {
  ConstantOptions, IdentityOptions, SeedOptions, FanAxesOptions, RandomNormalOptions, RandomUniformOptions, VarianceScalingOptions, FanMode, VarianceDistribution, OrthogonalOptions, InitializerFunction, InitializerIdentifier,
} from "./initializers.js";
