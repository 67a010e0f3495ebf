/**
 * A hash map from a pair of non-negative 32-bit integers (two token ids) to a non-negative integer,
 * in one typed array with open addressing. Both the merge loop (pair -> pair index) and the encoder
 * (pair -> merge rank) look pairs up millions of times; a `Map` keyed by `a * V + b` would box the
 * key once it passes 2^30 and is several times slower.
 */
export class PairTable {
  // 4 ints per slot, so that a probe reads one cache line: left id (-1 = empty), right id, value.
  #slots: Int32Array;
  #mask: number;
  #size = 0;

  /** Makes an empty table sized for about `expected` entries (it grows as needed). */
  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#slots = new Int32Array(4 * capacity).fill(-1);
    this.#mask = capacity - 1;
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  // Index in #slots of the slot holding (a, b), or of the empty slot where it would go.
  #find(a: number, b: number): number {
    // Multiplicative hashing of both halves; Math.imul keeps it in 32-bit integer arithmetic.
    let hash = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
    hash ^= hash >>> 15;
    const slots = this.#slots, mask = this.#mask;
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const at = slot << 2;
      const left = slots[at];
      if (left === -1 || (left === a && slots[at + 1] === b)) return at;
    }
  }

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const at = this.#find(a, b);
    return this.#slots[at] === -1 ? -1 : this.#slots[at + 2];
  }

  /** Stores `value` for (a, b), replacing any earlier value. */
  set(a: number, b: number, value: number): void {
    let at = this.#find(a, b);
    if (this.#slots[at] === -1) {
      if ((this.#size + 1) * 2 > this.#mask + 1) {
        this.#grow();
        at = this.#find(a, b);
      }
      this.#slots[at] = a;
      this.#slots[at + 1] = b;
      this.#size++;
    }
    this.#slots[at + 2] = value;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2).fill(-1);
    this.#mask = (this.#mask << 1) | 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at] === -1) continue;
      const to = this.#find(old[at], old[at + 1]);
      this.#slots[to] = old[at];
      this.#slots[to + 1] = old[at + 1];
      this.#slots[to + 2] = old[at + 2];
    }
  }
}
