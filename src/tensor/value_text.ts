/**
 * A value as error messages show it: JSON's form, except that NaN, ±Infinity and undefined are
 * written as themselves (JSON.stringify turns NaN into "null", which hides the mistake).
 */
export function valueText(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "undefined";
  if (typeof v === "bigint") return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(valueText).join(",")}]`;
  if (typeof v === "function") return `function ${v.name || "(anonymous)"}`;
  const text = JSON.stringify(v, (_key, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x));
  return text ?? String(v);
}
