/**
 * A tiny seeded generator for the bootstraps: mulberry32 (Tommy Ettinger, 2017), 32 bits of state,
 * enough to draw resample indices reproducibly. Not the trainer's `Random` (model/gpt/random.ts):
 * scaling/ sits below model/ in the data flow and must not import it.
 */
export function seededUniform(seed: number): () => number {
  let state = (Math.trunc(seed) ^ 0x6d2b79f5) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `into` with indices drawn uniformly with replacement from `from` (or from 0..n−1). */
export function resampleInto(
  uniform: () => number,
  into: Int32Array,
  from?: ArrayLike<number>,
): void {
  const n = from ? from.length : into.length;
  for (let k = 0; k < into.length; k++) {
    const pick = Math.floor(uniform() * n);
    into[k] = from ? from[pick] : pick;
  }
}
