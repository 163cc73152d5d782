/**
 * Python's str.format for checkpoint file names, as Keras fills them: named fields with the format
 * mini-language, e.g. "model-{epoch:02d}-{val_loss:.2f}.keras" -> "model-03-0.41.keras".
 * `epoch` and `batch` are integers, the logged metrics are floats, and, as in Python, an integer
 * code ("d") on a float is an error rather than a silent truncation.
 */
import { formatExponential, formatFixed, pyFloatRepr } from "./format.js";

export interface FormatValues {
  /** Integer fields (epoch, batch). */
  ints: Readonly<Record<string, number>>;
  /** Float fields (the logs). */
  floats: Readonly<Record<string, number>>;
}

interface Spec {
  fill: string;
  align: "<" | ">" | "=" | "^" | null;
  sign: "+" | "-" | " ";
  zero: boolean;
  width: number;
  grouping: "," | "_" | null;
  precision: number | null;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function parseSpec(spec: string, field: string, where: string): Spec {
  const m = SPEC.exec(spec);
  if (!m) throw new RangeError(`${where}: invalid format specifier "${spec}" for field "${field}"`);
  const [, fill, align, sign, zero, width, grouping, precision, type] = m;
  return {
    fill: fill ?? (zero && !align ? "0" : " "),
    align: (align as Spec["align"]) ?? (zero ? "=" : null),
    sign: (sign as Spec["sign"]) ?? "-",
    zero: zero !== undefined,
    width: width ? Number(width) : 0,
    grouping: (grouping as Spec["grouping"]) ?? null,
    precision: precision !== undefined ? Number(precision) : null,
    type: type ?? "",
  };
}

function group(intDigits: string, sep: string | null): string {
  if (sep === null) return intDigits;
  return intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Python's "g" (and the no-type float presentation with a precision, which keeps a ".0"). */
function formatGeneral(x: number, precision: number | null, keepPoint: boolean): string {
  const p = precision === null ? 6 : Math.max(precision, 1);
  if (!Number.isFinite(x)) return formatFixed(x, 0);
  const sci = formatExponential(x, p - 1);
  const exp = Number(sci.slice(sci.indexOf("e") + 1));
  const strip = (s: string): string => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp >= -4 && exp < p) {
    const fixed = strip(formatFixed(x, p - 1 - exp));
    return keepPoint && !fixed.includes(".") ? `${fixed}.0` : fixed;
  }
  const [mant, e] = sci.split("e");
  return `${strip(mant)}e${e}`;
}

function formatNumber(value: number, isInt: boolean, s: Spec, field: string, where: string): string {
  if (s.type === "" && isInt && s.precision !== null) {
    throw new RangeError(`${where}: precision not allowed in integer format specifier for field "${field}"`);
  }
  let body: string;
  const abs = Math.abs(value);
  switch (s.type) {
    case "d":
      if (!isInt) throw new RangeError(`${where}: unknown format code 'd' for the float field "${field}" (Python's rule); use e.g. {${field}:.0f}`);
      body = String(abs);
      break;
    case "":
      body = isInt ? String(abs) : s.precision === null ? pyFloatRepr(abs) : formatGeneral(abs, s.precision, true);
      break;
    case "f": case "F":
      body = formatFixed(abs, s.precision ?? 6);
      if (s.type === "F") body = body.toUpperCase();
      break;
    case "e": case "E":
      body = formatExponential(abs, s.precision ?? 6);
      if (s.type === "E") body = body.toUpperCase();
      break;
    case "g": case "G":
      body = formatGeneral(abs, s.precision, false);
      if (s.type === "G") body = body.toUpperCase();
      break;
    case "%":
      body = `${formatFixed(abs * 100, s.precision ?? 6)}%`;
      break;
    default:
      throw new RangeError(`${where}: format code '${s.type}' is not supported for field "${field}"; use d, f, e, g or %`);
  }
  if (s.grouping) {
    const m = /^(\d+)(.*)$/s.exec(body);
    if (m) body = group(m[1], s.grouping) + m[2];
  }
  const negative = value < 0 || Object.is(value, -0);
  const signText = negative ? "-" : s.sign === "+" ? "+" : s.sign === " " ? " " : "";
  const len = signText.length + body.length;
  if (len >= s.width) return signText + body;
  const pad = s.fill.repeat(s.width - len);
  switch (s.align ?? ">") {
    case "<": return signText + body + pad;
    case "^": {
      const left = s.fill.repeat(Math.floor((s.width - len) / 2));
      return left + signText + body + s.fill.repeat(s.width - len - left.length);
    }
    case "=": return signText + pad + body;
    default: return pad + signText + body;
  }
}

/** Python's `template.format(**values)` for named numeric fields; `where` names the caller in errors. */
export function formatFilepath(template: string, values: FormatValues, where: string): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === "{" && template[i + 1] === "{") { out += "{"; i += 2; continue; }
    if (c === "}" && template[i + 1] === "}") { out += "}"; i += 2; continue; }
    if (c === "}") throw new RangeError(`${where}: single '}' encountered in the file path "${template}"; write }} for a literal brace`);
    if (c !== "{") { out += c; i++; continue; }
    const end = template.indexOf("}", i);
    if (end < 0) throw new RangeError(`${where}: single '{' encountered in the file path "${template}"; write {{ for a literal brace`);
    const inner = template.slice(i + 1, end);
    const colon = inner.indexOf(":");
    const field = colon < 0 ? inner : inner.slice(0, colon);
    const spec = colon < 0 ? "" : inner.slice(colon + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
      throw new RangeError(`${where}: the file path "${template}" has the field {${inner}}; only named fields such as {epoch:02d} or {val_loss:.2f} are supported`);
    }
    const isInt = field in values.ints;
    if (!isInt && !(field in values.floats)) {
      const known = [...Object.keys(values.ints), ...Object.keys(values.floats)];
      throw new RangeError(`${where}: failed to format the file path "${template}": no value named '${field}' (available: ${known.join(", ")})`);
    }
    const value = isInt ? values.ints[field] : values.floats[field];
    out += formatNumber(value, isInt, parseSpec(spec, field, where), field, where);
    i = end + 1;
  }
  return out;
}
