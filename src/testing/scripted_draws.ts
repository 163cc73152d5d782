import type { RandomImageLayer } from "../layers/image_layer_common.js";

/**
 * The layer, made to take its uniform draws from `values` (n at a time, in order) instead of its
 * generator, so that a test can give per-image parameters; `draws` lists the draws asked for,
 * each as [n, lo, hi].
 */
export function scripted<L extends RandomImageLayer>(layer: L, values: readonly number[]): L & { draws: [number, number, number][] } {
  const draws: [number, number, number][] = [];
  const left = [...values];
  // uniforms is protected; the test replaces it on this one instance.
  return Object.assign(layer, {
    draws,
    uniforms: (n: number, lo: number, hi: number): number[] => {
      draws.push([n, lo, hi]);
      return left.splice(0, n);
    },
  });
}
