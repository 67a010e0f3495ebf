import type { Estimate } from "./types.ts";

/**
 * A fitted value with the 2.5/97.5 percentiles and standard deviation of its bootstrap samples
 * (percentiles by linear interpolation between order statistics, NumPy's default, as Besiroglu et al.
 * 2024 computed theirs). With no samples (no resamples asked) the interval collapses to the value and
 * the error is 0, so the result stays valid JSON (NaN would serialise as null).
 */
export function estimate(value: number, samples: number[]): Estimate {
  if (!samples.length) return { value, interval: [value, value], standardError: 0 };
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    value,
    interval: [percentile(sorted, 2.5), percentile(sorted, 97.5)],
    standardError: standardDeviation(samples),
  };
}

/** The p-th percentile (0–100) of sorted values, interpolating linearly. */
export function percentile(sorted: number[], p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const low = Math.floor(position), high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

function standardDeviation(values: number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}
