import { optionsObject } from "../../tensor/option_checks.js";

/**
 * A callback's path, given first as in Keras' positional style (`CSVLogger("log.csv", { append: true })`)
 * or as a key of one options object, as in Keras' keyword style (`CSVLogger({ filename: "log.csv" })`).
 */
export function pathAndOptions<O extends object>(who: string, first: unknown, second: O | undefined, key: string): { path: unknown; options: O } {
  if (typeof first === "object" && first !== null && !(first instanceof URL) && !Array.isArray(first)) {
    if (second !== undefined) throw new TypeError(`${who}: give the options once, either ${who}(${key}, options) or ${who}({ ${key}, ...options })`);
    const { [key]: path, ...options } = first as Record<string, unknown>;
    return { path, options: options as O };
  }
  return { path: first, options: optionsObject(who, second, `${who}(${key}, { ... })`) };
}
