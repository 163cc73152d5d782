/**
 * Number formatting exactly as Python prints it, so the progress bar, the CSV log and the
 * callbacks' messages read character for character like Keras'. JavaScript's `toFixed` breaks ties
 * upwards and `toExponential`/`String` differ from Python in exponent style; these helpers work on
 * the exact binary value of the double (BigInt arithmetic) and round half to even, like CPython.
 */

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[n];
}

/** |x| as the exact fraction num / den (den a power of two), for finite x. */
function exactRatio(x: number): { num: bigint; den: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return { num: mantissa << BigInt(exp), den: 1n };
  return { num: mantissa, den: 1n << BigInt(-exp) };
}

/** num / den rounded to an integer, ties to even. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n;
  return q;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return null;
}

/** Python's `f"{x:.{digits}f}"`. */
export function formatFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const { num, den } = exactRatio(x);
  const q = roundHalfEven(num * pow10(digits), den).toString().padStart(digits + 1, "0");
  const cut = q.length - digits;
  return signOf(x) + q.slice(0, cut) + (digits > 0 ? "." + q.slice(cut) : "");
}

function exponentText(e: number): string {
  return (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
}

/** Python's `f"{x:.{digits}e}"` (exponent with a sign and at least two digits). */
export function formatExponential(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const sign = signOf(x);
  if (x === 0) return `${sign}0${digits > 0 ? "." + "0".repeat(digits) : ""}e+00`;
  const { num, den } = exactRatio(x);
  let e = Math.floor(Math.log10(Math.abs(x)));
  const lower = pow10(digits);
  const upper = pow10(digits + 1);
  let q = 0n;
  // The log10 estimate can be off by one near powers of ten; settle it exactly.
  for (;;) {
    const shift = digits - e;
    const exact = shift >= 0 ? { n: num * pow10(shift), d: den } : { n: num, d: den * pow10(-shift) };
    if (exact.n >= upper * exact.d) {
      e += 1;
      continue;
    }
    if (exact.n < lower * exact.d) {
      e -= 1;
      continue;
    }
    q = roundHalfEven(exact.n, exact.d);
    break;
  }
  if (q === upper) {
    q = lower;
    e += 1;
  }
  const s = q.toString();
  return `${sign}${s[0]}${digits > 0 ? "." + s.slice(1) : ""}e${exponentText(e)}`;
}

/** Python's `repr(float(x))`: shortest round-trip digits, `1.0`, `0.0001`, `1e-05`, `1e+16`. */
export function pyFloatRepr(x: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x === 0) return signOf(x) + "0.0";
  const [mant, expText] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const e = Number(expText);
  const sign = x < 0 ? "-" : "";
  if (e >= -4 && e < 16) {
    if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
    const intPart = digits.slice(0, e + 1).padEnd(e + 1, "0");
    const frac = digits.slice(e + 1);
    return `${sign}${intPart}.${frac.length > 0 ? frac : "0"}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exponentText(e)}`;
}

/** Python's `"%d" % x` for a float: truncation toward zero. */
export function pyIntText(x: number): string {
  return String(Math.trunc(x));
}

/** Python's float `divmod(x, y)`: floor division and a modulo with the sign of y. */
export function pyDivmod(x: number, y: number): [number, number] {
  let mod = x % y;
  let div = (x - mod) / y;
  if (mod !== 0) {
    if (y < 0 !== mod < 0) {
      mod += y;
      div -= 1;
    }
  } else {
    mod = y < 0 ? -0 : 0;
  }
  let floorDiv: number;
  if (div !== 0) {
    floorDiv = Math.floor(div);
    if (div - floorDiv > 0.5) floorDiv += 1;
  } else {
    floorDiv = x / y < 0 ? -0 : 0;
  }
  return [floorDiv, mod];
}
