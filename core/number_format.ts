/** 17205248 → "17,205,248" (rounded to a whole number). */
export function withCommas(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** 2.83e17 → "2.83e17": FLOPs and other numbers that span many decades. */
export function scientific(value: number, digits = 2): string {
  return value.toExponential(digits).replace("e+", "e");
}

/** 13_974_000 → "14M", 10_587_779 → "10.6M", 1e9 → "1B": three significant figures and K/M/B/T. */
export function compact(value: number): string {
  const units: [number, string][] = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
  for (const [scale, suffix] of units) {
    if (Math.abs(value) >= scale) return `${Number((value / scale).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}

/** A perplexity: one decimal, or scientific once it is too large to read (tiny extrapolated models). */
export function perplexity(value: number): string {
  return value < 1e5 ? value.toFixed(1) : scientific(value);
}

/** A number with `digits` decimals, e.g. tokens per parameter or a loss. */
export function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}
