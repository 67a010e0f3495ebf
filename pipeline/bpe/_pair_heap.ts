/**
 * The merge loop's priority queue: a binary max-heap of (count, pair) entries in typed arrays. Ties
 * on count go to the pair with the smaller (left id, right id), the rule Hugging Face's trainer uses,
 * so that training is deterministic and agrees with theirs.
 *
 * Deletion is lazy: an entry keeps the count it had when pushed; the loop compares it with the
 * pair's current count when it reaches the top and pushes it again if it went stale.
 */
export class PairHeap {
  #counts = new Float64Array(1024);
  #pairs = new Int32Array(1024);
  #size = 0;
  readonly #left: () => Int32Array;
  readonly #right: () => Int32Array;

  /** `left()` / `right()` give the current arrays of each pair's left and right token id. */
  constructor(left: () => Int32Array, right: () => Int32Array) {
    this.#left = left;
    this.#right = right;
  }

  /** Number of entries, stale ones included. */
  get size(): number {
    return this.#size;
  }

  /** Count stored with the top entry. */
  get topCount(): number {
    return this.#counts[0];
  }

  /** Pair index of the top entry. */
  get topPair(): number {
    return this.#pairs[0];
  }

  // True when entry (countA, pairA) should come out before (countB, pairB).
  #before(countA: number, pairA: number, countB: number, pairB: number): boolean {
    if (countA !== countB) return countA > countB;
    const left = this.#left(), right = this.#right();
    if (left[pairA] !== left[pairB]) return left[pairA] < left[pairB];
    return right[pairA] < right[pairB];
  }

  /** Removes every entry. */
  clear(): void {
    this.#size = 0;
  }

  /** Adds an entry. */
  push(count: number, pair: number): void {
    if (this.#size === this.#counts.length) {
      const counts = new Float64Array(this.#size * 2);
      counts.set(this.#counts);
      this.#counts = counts;
      const pairs = new Int32Array(this.#size * 2);
      pairs.set(this.#pairs);
      this.#pairs = pairs;
    }
    const counts = this.#counts, pairs = this.#pairs;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(count, pair, counts[parent], pairs[parent])) break;
      counts[i] = counts[parent];
      pairs[i] = pairs[parent];
      i = parent;
    }
    counts[i] = count;
    pairs[i] = pair;
  }

  /** Removes the top entry. */
  pop(): void {
    const counts = this.#counts, pairs = this.#pairs;
    const size = --this.#size;
    if (size === 0) return;
    const count = counts[size], pair = pairs[size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (
        child + 1 < size &&
        this.#before(counts[child + 1], pairs[child + 1], counts[child], pairs[child])
      ) {
        child++;
      }
      if (!this.#before(counts[child], pairs[child], count, pair)) break;
      counts[i] = counts[child];
      pairs[i] = pairs[child];
      i = child;
    }
    counts[i] = count;
    pairs[i] = pair;
  }
}
