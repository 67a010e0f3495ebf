/**
 * A seeded, resumable pseudo-random generator: xoshiro128** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", 2021), seeded through splitmix32 so that nearby seeds give
 * unrelated streams. Its whole state is four 32-bit words, so a checkpoint can store it and a
 * resumed run draws exactly the numbers an uninterrupted run would have drawn.
 *
 * @example
 * ```ts
 * import { Random } from "./random.ts";
 * const random = new Random(0);
 * const saved = random.state();
 * const a = random.next();
 * const b = Random.fromState(saved).next(); // a === b
 * ```
 */
export class Random {
  #s: Uint32Array;

  /** A generator for `seed` (any finite number; integers up to 2^53 are all distinct seeds). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be finite, got ${seed}`);
    const low = Math.abs(Math.trunc(seed)) >>> 0;
    const high = Math.floor(Math.abs(Math.trunc(seed)) / 2 ** 32) >>> 0;
    let mix = (low ^ Math.imul(high, 0x9e3779b9) ^ (seed < 0 ? 0x85ebca6b : 0)) >>> 0;
    this.#s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      // splitmix32: a full-period additive sequence passed through a bijective mixer.
      mix = (mix + 0x9e3779b9) >>> 0;
      let z = mix;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#s.every((word) => word === 0)) this.#s[0] = 1; // the one state xoshiro cannot leave
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n) (n ≤ 2^32), without modulo bias. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) {
      throw new RangeError(`Random.int: n must be a whole number in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A standard normal number (Box–Muller on two uniforms; the second value is discarded so the
   *  state stays four words). */
  normal(): number {
    const u1 = (this.nextUint32() + 0.5) / 4294967296; // in (0, 1): log never sees 0
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `target` with N(0, std²) numbers, in order; returns it. */
  fillNormal(target: Float32Array, std: number): Float32Array {
    for (let i = 0; i < target.length; i++) target[i] = this.normal() * std;
    return target;
  }

  /** The generator's state: four unsigned 32-bit integers (JSON-safe). */
  state(): number[] {
    return Array.from(this.#s);
  }

  /** A generator that continues from `state` (as returned by `state()`). */
  static fromState(state: number[]): Random {
    if (
      !Array.isArray(state) || state.length !== 4 ||
      !state.every((word) => Number.isInteger(word) && word >= 0 && word < 4294967296) ||
      state.every((word) => word === 0)
    ) {
      throw new RangeError(
        `Random.fromState: expected four 32-bit unsigned integers, not all zero, got ${
          JSON.stringify(state)
        }`,
      );
    }
    const random = new Random(0);
    random.#s = Uint32Array.from(state);
    return random;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
