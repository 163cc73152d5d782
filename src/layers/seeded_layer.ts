import { RandomGenerator, SeedGenerator, generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { Layer, type LayerArgs } from "./layer.js";

/** The option SeededLayer adds to LayerArgs. */
export interface SeededLayerArgs extends LayerArgs {
  /** An integer, or a random.SeedGenerator whose stream the layer draws from (shared with whatever else holds it). */
  seed?: number | SeedGenerator | null;
}

/** SeededLayer's option, for the option lists (layerOptions) of the layers built on it. */
export const SEED_OPTIONS = { seed: true } as const satisfies Record<Exclude<keyof SeededLayerArgs, keyof LayerArgs>, true>;

/** A layer's `seed` option: an integer, or null/absent for the global generator. */
export function checkSeed(layer: Layer, seed: unknown): number | null {
  if (seed === undefined || seed === null) return null;
  // The config records a SeedGenerator's starting seed.
  if (seed instanceof SeedGenerator) return seed.seed;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new TypeError(`${layer.className} ${layer.name}: seed must be an integer, a random.SeedGenerator or null, got ${valueText(seed)}`);
  }
  return seed;
}

/**
 * Layers drawing random numbers (augmentation, noise): their own generator when made with a seed,
 * so that the layer repeats its sequence of draws, otherwise the global one (tf.random.setSeed).
 */
export abstract class SeededLayer extends Layer {
  readonly seed: number | null;
  private readonly generator: RandomGenerator | null;

  constructor(args: SeededLayerArgs) {
    super(args);
    this.seed = checkSeed(this, args.seed);
    this.generator = args.seed instanceof SeedGenerator ? args.seed.generator : this.seed === null ? null : new RandomGenerator(this.seed);
  }

  /** The generator for this call's draws. */
  protected rng(): RandomGenerator {
    return this.generator ?? generatorFor();
  }

  /** A seed for an op's own draws from the layer's generator, or undefined (the op draws from the global one). */
  protected opSeed(): number | undefined {
    return this.generator?.nextUint32();
  }
}
