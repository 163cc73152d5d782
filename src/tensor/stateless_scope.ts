/**
 * Keras' StatelessScope, as its symbolic calls use it: while a layer runs on probe tensors to learn
 * its output shape (layers/layer.ts computeOutputShape), the state it changes, variables it assigns
 * and random generators it draws from, is put back when the probe ends, so defining a functional
 * model neither moves a custom layer's counters nor consumes random numbers.
 */

/** Restores for the state changed so far in the open scope, one per changed object; null outside a scope. */
let journal: Map<object, () => void> | null = null;

/** Whether a stateless scope is open (a writer checks this before preparing its restore). */
export function inStatelessScope(): boolean {
  return journal !== null;
}

/** Called before `owner` first changes its state in an open scope, with how to put it back. */
export function noteStateChange(owner: object, restore: () => void): void {
  if (journal !== null && !journal.has(owner)) journal.set(owner, restore);
}

/** Runs `fn`, then undoes the state changes noted while it ran (in reverse order). Nested scopes join the outer. */
export function runStateless<T>(fn: () => T): T {
  if (journal !== null) return fn();
  const current = new Map<object, () => void>();
  journal = current;
  try {
    return fn();
  } finally {
    journal = null;
    for (const restore of [...current.values()].reverse()) restore();
  }
}
