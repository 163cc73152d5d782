/** What the `layers` namespace's factories share: Keras' positional first argument merged into the options object. */

/** Merges a positional first argument with the options object (the options may also carry it). */
export function withFirst<A extends object, K extends keyof A>(key: K, first: A[K] | A | undefined, rest: A | undefined): A {
  if (first !== undefined && first !== null && typeof first === "object" && !Array.isArray(first)) return { ...(first as A) };
  return { ...(rest ?? ({} as A)), ...(first === undefined ? {} : { [key]: first }) } as A;
}

/** Embedding's and ReversibleEmbedding's (inputDim, outputDim, options) or (inputDim, options) or (options) as one options object. */
export function dimsArgs<A extends { inputDim?: number; outputDim?: number }>(inputDim: number | A, outputDim?: number | A, args?: A): A {
  if (typeof inputDim === "object") return { ...inputDim };
  if (typeof outputDim === "object") return { ...outputDim, inputDim };
  return { ...(args ?? ({} as A)), inputDim, outputDim };
}
