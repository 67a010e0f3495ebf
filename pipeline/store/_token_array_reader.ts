import { UserError } from "../../core/user_error.ts";
import { decodeInnerChunk, decodeShardIndex, shardIndexBytes } from "./_codecs/sharding.ts";
import { chunkKey, type TokenArray, tokensSharding } from "./_layout.ts";
import type { ByteRange, StoreKey, StoreStorage } from "./_storage.ts";
import type { Split } from "./split_hash.ts";
import type { TokenDtype } from "./store_attributes.ts";
import type { ChunkCache } from "./_chunk_cache.ts";

/**
 * Random access to one `tokens` array: reads a shard's index once, then only the inner chunks a
 * read touches (a ranged read of ~16 kB each), decoded through a shared chunk cache.
 */
export class TokenArrayReader {
  readonly length: number;
  readonly #storage: StoreStorage;
  readonly #split: Split;
  readonly #dtype: TokenDtype;
  readonly #chunkTokens: number;
  readonly #innerTokens: number;
  readonly #sharding;
  readonly #cache: ChunkCache<TokenArray>;
  readonly #indexes = new Map<number, { offsets: Float64Array; lengths: Float64Array }>();

  constructor(
    storage: StoreStorage,
    split: Split,
    options: { length: number; dtype: TokenDtype; chunkTokens: number; innerTokens: number },
    cache: ChunkCache<TokenArray>,
  ) {
    this.#storage = storage;
    this.#split = split;
    this.length = options.length;
    this.#dtype = options.dtype;
    this.#chunkTokens = options.chunkTokens;
    this.#innerTokens = options.innerTokens;
    this.#sharding = tokensSharding(options.innerTokens);
    this.#cache = cache;
  }

  /** Copies tokens [start, start + out.length) into `out` (caller checks the range). */
  async read(start: number, out: Int32Array): Promise<void> {
    let done = 0;
    while (done < out.length) {
      const position = start + done;
      const inner = Math.floor(position / this.#innerTokens);
      const key = `${this.#split}#${inner}`;
      // Looked up before loading, in read order: the cache's hits, misses and evictions are those
      // of a reader that reads one inner chunk after the other.
      const values = this.#cache.lookup(key) ?? this.#cache.insert(key, await this.#load(inner));
      const from = position - inner * this.#innerTokens;
      const take = Math.min(out.length - done, this.#innerTokens - from);
      out.set(values.subarray(from, from + take), done);
      done += take;
    }
  }

  async #load(inner: number): Promise<TokenArray> {
    const perShard = this.#chunkTokens / this.#innerTokens;
    const shard = Math.floor(inner / perShard);
    const key = chunkKey(this.#split, "tokens", shard);
    try {
      let index = this.#indexes.get(shard);
      if (!index) {
        const suffixLength = shardIndexBytes(perShard, this.#sharding);
        const bytes = await this.#getRange(key, { suffixLength });
        if (!bytes) return this.#fill();
        index = decodeShardIndex(bytes, this.#sharding);
        this.#indexes.set(shard, index);
      }
      const slot = inner % perShard;
      if (index.offsets[slot] < 0) return this.#fill();
      const range = { offset: index.offsets[slot], length: index.lengths[slot] };
      const encoded = await this.#getRange(key, range);
      if (!encoded) return this.#fill();
      return decodeInnerChunk(encoded, this.#sharding, this.#dtype);
    } catch (error) {
      throw new UserError(`cannot read ${this.#storage.locate(key)}: ${(error as Error).message}`);
    }
  }

  /** A byte range of a shard, read at once where the storage can (see `getRangeSync`). */
  #getRange(
    key: StoreKey,
    range: ByteRange,
  ): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    const storage = this.#storage;
    return storage.getRangeSync ? storage.getRangeSync(key, range) : storage.getRange(key, range);
  }

  /** A missing chunk holds the fill value 0 (Zarr 3). */
  #fill(): TokenArray {
    return this.#dtype === "uint16"
      ? new Uint16Array(this.#innerTokens)
      : new Uint32Array(this.#innerTokens);
  }
}
