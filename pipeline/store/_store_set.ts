/**
 * Several complete stores read as one `TokenStore` (what `openStore` returns for a list, a glob or
 * a manifest): totals add up, random windows are drawn across the stores in proportion to their
 * possible starts (so to their tokens; a window never straddles two stores), and `iterate` covers
 * each store's split in turn, in the order the stores were named.
 */
import { UserError } from "../../core/user_error.ts";
import type { StoreCacheStats, TokenStore } from "./reader.ts";
import type { Split } from "./split_hash.ts";
import type { SplitTotals } from "./store_attributes.ts";
import { checkSplit, windowCount, windowLength } from "./_window.ts";

/** A store of a set: reads a window at a given start (the single store's reader). */
export interface SetMember extends TokenStore {
  /** Copies tokens [start, start + out.length) of a split into `out`. */
  read(split: Split, start: number, out: Int32Array): Promise<void>;
  cacheStats(): StoreCacheStats;
}

/** The encoding the stores of a set share: one line naming the store that differs. */
export function checkSameEncoding(
  stores: readonly TokenStore[],
  expected?: { label: string; tokenizerSha256: string },
): void {
  const first = stores[0];
  const sha = (store: TokenStore) => String(store.attributes.tokenizer_sha256);
  for (const store of stores) {
    const differs = (what: string, value: unknown, theirs: unknown) =>
      new UserError(
        `${store.path}: ${what} ${value}, but ${first.path} has ${theirs}; stores read as one ` +
          `must share the tokenizer (tokenize every one with the same --tokenizer FILE)`,
      );
    if (store.attributes.dtype !== first.attributes.dtype) {
      throw differs("dtype", store.attributes.dtype, first.attributes.dtype);
    }
    if (store.vocabSize !== first.vocabSize) {
      throw differs("vocabulary", store.vocabSize, first.vocabSize);
    }
    if (sha(store) !== sha(first)) {
      throw differs(
        "tokenizer sha256",
        `${sha(store).slice(0, 12)}…`,
        `${sha(first).slice(0, 12)}…`,
      );
    }
    if (expected && sha(store) !== expected.tokenizerSha256) {
      throw new UserError(
        `${store.path}: tokenizer sha256 ${sha(store).slice(0, 12)}…, but ${expected.label} ` +
          `was merged with ${expected.tokenizerSha256.slice(0, 12)}…; merge the stores again`,
      );
    }
  }
}

/** Stores read as one (build with `openStore`; the stores are checked with `checkSameEncoding`). */
export class StoreSet implements TokenStore {
  readonly path: string;
  readonly vocabSize: number;
  readonly eotId: number;
  readonly attributes: Record<string, unknown>;
  readonly stores: readonly SetMember[];

  constructor(path: string, stores: readonly SetMember[]) {
    if (stores.length === 0) throw new UserError(`${path}: names no token store`);
    checkSameEncoding(stores);
    this.path = path;
    this.stores = stores;
    this.vocabSize = stores[0].vocabSize;
    this.eotId = stores[0].eotId;
    const totals = (split: Split): SplitTotals => ({
      tokens: this.tokens(split),
      documents: this.documents(split),
      bytes: this.bytes(split),
    });
    const first = stores[0].attributes;
    this.attributes = {
      format: "token-store-set",
      complete: true,
      vocab_size: this.vocabSize,
      eot_id: this.eotId,
      dtype: first.dtype,
      tokenizer_sha256: first.tokenizer_sha256,
      splits: { train: totals("train"), val: totals("val") },
      stores: stores.map((store) => store.path),
    };
  }

  tokens(split: Split): number {
    return this.#sum((store) => store.tokens(split));
  }

  documents(split: Split): number {
    return this.#sum((store) => store.documents(split));
  }

  bytes(split: Split): number {
    return this.#sum((store) => store.bytes(split));
  }

  windowCount(split: Split, contextLength: number): number {
    windowLength(contextLength);
    return this.#sum((store) => windowCount(store.tokens(checkSplit(split)), contextLength));
  }

  /**
   * Each row: one draw `u = rng()` picks a start uniformly among all the stores' possible starts
   * (`tokens - contextLength` in each store long enough for a window), so a store is drawn in
   * proportion to its starts and the window lies inside it. One store gives the batches of that store.
   */
  async batch(
    split: Split,
    batchSize: number,
    contextLength: number,
    rng: () => number,
  ): Promise<Int32Array> {
    const window = windowLength(contextLength);
    const ends: number[] = []; // cumulative starts: store i owns the draws [ends[i-1], ends[i])
    let total = 0;
    for (const store of this.stores) {
      total += Math.max(0, store.tokens(checkSplit(split)) - window + 1);
      ends.push(total);
    }
    if (total === 0) throw this.#tooShort(split, window);
    const out = new Int32Array(batchSize * window);
    for (let row = 0; row < batchSize; row++) {
      const draw = Math.min(total - 1, Math.floor(rng() * total));
      let low = 0, high = ends.length - 1; // the first store whose end is above the draw
      while (low < high) {
        const middle = (low + high) >> 1;
        if (ends[middle] > draw) high = middle;
        else low = middle + 1;
      }
      const start = draw - (low === 0 ? 0 : ends[low - 1]);
      await this.stores[low].read(split, start, out.subarray(row * window, (row + 1) * window));
    }
    return out;
  }

  /** Every store's windows (`TokenStore.iterate`), store after store in the set's order. */
  async *iterate(split: Split, contextLength: number): AsyncIterable<Int32Array> {
    const window = windowLength(contextLength);
    if (this.windowCount(split, contextLength) === 0) throw this.#tooShort(split, window);
    for (const store of this.stores) {
      if (store.tokens(split) >= window) yield* store.iterate(split, contextLength);
    }
  }

  cacheStats(): StoreCacheStats {
    const stats = this.stores.map((store) => store.cacheStats());
    const sum = (key: keyof StoreCacheStats) => stats.reduce((total, s) => total + s[key], 0);
    return { hits: sum("hits"), misses: sum("misses"), bytes: sum("bytes") };
  }

  #sum(value: (store: SetMember) => number): number {
    return this.stores.reduce((total, store) => total + value(store), 0);
  }

  #tooShort(split: Split, window: number): UserError {
    const longest = Math.max(...this.stores.map((store) => store.tokens(split)));
    return new UserError(
      `the ${split} split of ${this.path}: none of its ${this.stores.length} stores has one window ` +
        `of ${window} tokens (the longest has ${longest})`,
    );
  }
}
