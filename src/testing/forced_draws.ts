/**
 * For tests of the random image layers: a layer's uniform, Beta, normal, Gamma and permutation draws replaced by
 * given values, so that a test can compare its output with a reference computed from the same
 * draws; each draw's arguments are recorded, to check what the layer draws and in which order.
 */
import type { RandomImageLayer } from "../layers/image_layer_common.js";

export interface ForcedDraws {
  uniforms?: number[];
  betas?: number[];
  normals?: number[];
  gammas?: number[];
  permutations?: number[][];
}

interface DrawMethods {
  uniforms(n: number, lo: number, hi: number): number[];
  betas(n: number, alpha: number, beta: number): number[];
  normals(n: number): number[];
  gammas(n: number, alpha: number): number[];
  permutation(n: number): number[];
}

/** Replaces the layer's draws (on this instance) by `draws`, consumed in order; returns the record of calls, e.g. "uniform 2 [0, 1)". */
export function forceDraws(layer: RandomImageLayer, draws: ForcedDraws): string[] {
  return forceDrawsWith(layer, draws, () => undefined);
}

/**
 * The layer with its uniform draws taken from `values` (n at a time, in order) instead of its
 * generator, so that a test can give per-image parameters; `draws` lists the uniform draws asked
 * for, each as [n, lo, hi].
 */
export function scripted<L extends RandomImageLayer>(layer: L, values: readonly number[]): L & { draws: [number, number, number][] } {
  const draws: [number, number, number][] = [];
  forceDrawsWith(layer, { uniforms: [...values] }, (n, lo, hi) => draws.push([n, lo, hi]));
  return Object.assign(layer, { draws });
}

function forceDrawsWith(layer: RandomImageLayer, draws: ForcedDraws, onUniform: (n: number, lo: number, hi: number) => void): string[] {
  const calls: string[] = [];
  const take = (queue: number[] | undefined, n: number, what: string): number[] => {
    if (!queue || queue.length < n) throw new Error(`forceDraws: the layer drew ${n} ${what} values, more than were given`);
    return queue.splice(0, n);
  };
  const methods: DrawMethods = {
    uniforms(n, lo, hi) {
      calls.push(`uniform ${n} [${lo}, ${hi})`);
      onUniform(n, lo, hi);
      return take(draws.uniforms, n, "uniform");
    },
    betas(n, alpha, beta) {
      calls.push(`beta ${n} (${alpha}, ${beta})`);
      return take(draws.betas, n, "Beta");
    },
    normals(n) {
      calls.push(`normal ${n}`);
      return take(draws.normals, n, "normal");
    },
    gammas(n, alpha) {
      calls.push(`gamma ${n} (${alpha})`);
      return take(draws.gammas, n, "Gamma");
    },
    permutation(n) {
      calls.push(`permutation ${n}`);
      const p = draws.permutations?.shift();
      if (!p || p.length !== n) throw new Error(`forceDraws: the layer drew a permutation of ${n}, none of that length was given`);
      return p;
    },
  };
  Object.assign(layer, methods);
  return calls;
}

/** Records the layer's real draws of one kind (the values it draws, in order), leaving them unchanged. */
export function recordDraws(layer: RandomImageLayer, kind: keyof DrawMethods): number[][] {
  const seen: number[][] = [];
  const own = layer as unknown as DrawMethods;
  const real = own[kind].bind(layer) as (a: number, b: number, c: number) => number[];
  Object.assign(layer, { [kind]: (a: number, b: number, c: number) => { const v = real(a, b, c); seen.push(v); return v; } });
  return seen;
}
