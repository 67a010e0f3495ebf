/**
 * A least-recently-used cache of decoded chunks with a budget in bytes. A `Map` keeps insertion
 * order, so re-inserting on every hit makes its first key the least recently used.
 */
export class ChunkCache<T extends ArrayBufferView> {
  readonly #budget: number;
  readonly #entries = new Map<string, T>();
  #bytes = 0;
  /** Lookups that found their chunk. */
  hits = 0;
  /** Lookups that had to load it. */
  misses = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  /** The chunk under `key` (now the most recently used), or undefined: then load and `insert` it. */
  lookup(key: string): T | undefined {
    const cached = this.#entries.get(key);
    if (!cached) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.#entries.delete(key);
    this.#entries.set(key, cached);
    return cached;
  }

  /** Caches a chunk a `lookup` missed, evicting the least recently used ones over the budget. */
  insert(key: string, value: T): T {
    this.#entries.set(key, value);
    this.#bytes += value.byteLength;
    for (const [oldest, chunk] of this.#entries) {
      if (this.#bytes <= this.#budget || oldest === key) break;
      this.#entries.delete(oldest);
      this.#bytes -= chunk.byteLength;
    }
    return value;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }
}
