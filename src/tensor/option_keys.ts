/**
 * The check every options object goes through (ops, layers, optimizers): a key the callee does not
 * take is an error naming it and the fix, never silently ignored.
 */

/** learning_rate -> learningRate, beta_1 -> beta1, global_clipnorm -> globalClipnorm. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Refuses option keys outside `allowed` (undefined values pass), suggesting the camelCase spelling
 * of Keras' snake_case names (learning_rate -> learningRate), else listing the valid keys.
 */
export function checkOptionKeys(where: string, opts: object, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(opts)) {
    if (allowed.includes(key) || value === undefined) continue;
    const camel = snakeToCamel(key);
    const hint = camel !== key && allowed.includes(camel)
      ? `lamina spells Keras' ${key} as ${camel}`
      : `valid options are ${allowed.join(", ")}`;
    throw new TypeError(`${where}: unknown option ${key}; ${hint}`);
  }
}
