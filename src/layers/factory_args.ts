/** What the `layers` namespace's factories share: Keras' positional first argument merged into the options object. */

/** Merges a positional first argument with the options object (the options may also carry it). */
export function withFirst<A extends object, K extends keyof A>(key: K, first: A[K] | A | undefined, rest: A | undefined): A {
  if (first !== undefined && first !== null && typeof first === "object" && !Array.isArray(first)) return { ...(first as A) };
  return { ...(rest ?? ({} as A)), ...(first === undefined ? {} : { [key]: first }) } as A;
}
