import { join } from "node:path";
import { UserError } from "../../core/user_error.ts";
import { ChunkCache } from "./_chunk_cache.ts";
import type { TokenArray } from "./_layout.ts";
import { type Split, SPLITS } from "./split_hash.ts";
import type { StoreAttributes } from "./store_attributes.ts";
import { STORE_NAME } from "./_layout.ts";
import { readStoreAttributes } from "./_metadata.ts";
import { openStorage, type StoreStorage } from "./_storage.ts";
import { TokenArrayReader } from "./_token_array_reader.ts";

/** A finished token store, read a window at a time (see `openStore`). */
export interface TokenStore {
  /** The store directory (`.../tokens.zarr`). */
  readonly path: string;
  /** Ids of the tokenizer the store was written with. */
  readonly vocabSize: number;
  /** Id of `<|endoftext|>`, which ends every document. */
  readonly eotId: number;
  /** The root attributes (snake_case, as stored). */
  readonly attributes: Record<string, unknown>;
  /** Token count of a split (one `<|endoftext|>` per document included). */
  tokens(split: Split): number;
  /** Document count of a split. */
  documents(split: Split): number;
  /** UTF-8 bytes of the split's documents (for bits per byte). */
  bytes(split: Split): number;
  /**
   * `batchSize` windows of `contextLength + 1` consecutive tokens, each starting at a uniformly
   * random position drawn with `rng` (values in [0, 1)), row-major in one `Int32Array`. Reads only
   * the inner chunks the windows touch. A `UserError` if the split is shorter than one window.
   */
  batch(
    split: Split,
    batchSize: number,
    contextLength: number,
    rng: () => number,
  ): Promise<Int32Array>;
  /**
   * The windows of `contextLength + 1` tokens starting at 0, contextLength, 2 contextLength, ...
   * (each window's last token is the next one's first, so every token but the first is predicted
   * exactly once), for deterministic evaluation. The tokens after the last full window are
   * dropped: fewer than `contextLength` of them.
   */
  iterate(split: Split, contextLength: number): AsyncIterable<Int32Array>;
}

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** Budget of the decoded-chunk cache shared by both splits, in bytes (default 256 MB). */
  cacheBytes?: number;
}

/** Counters of a reader's chunk cache (for tests and benchmarks). */
export interface StoreCacheStats {
  /** Inner-chunk reads served from the cache. */
  hits: number;
  /** Inner chunks read and decompressed. */
  misses: number;
  /** Decoded bytes held now. */
  bytes: number;
}

/**
 * Opens a complete token store for reading: `path` is the store (`DIR/tokens.zarr`) or the
 * directory holding it. A `UserError` naming the path when it is missing, not a token store, or
 * incomplete (tokenize was interrupted: run it again with the same arguments to finish).
 *
 * @example
 * ```ts
 * import { openStore, tokenizeCorpus, trainBpe } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * const lines = Array.from({ length: 200 }, (_, i) => `document number ${i} of the corpus`);
 * await Deno.writeTextFile(`${dir}/corpus.txt`, lines.join("\n"));
 * await (await trainBpe(lines, { vocabSize: 300 })).save(`${dir}/tokenizer.json`);
 * await tokenizeCorpus({
 *   inputs: [`${dir}/corpus.txt`],
 *   splitLines: true,
 *   tokenizerPath: `${dir}/tokenizer.json`,
 *   outDir: `${dir}/data`,
 *   workers: 1,
 * });
 * const store = await openStore(`${dir}/data`); // e.g. data/default
 * const batch = await store.batch("train", 64, 16, Math.random); // 64 x 17 token ids
 * console.assert(batch.length === 64 * 17);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function openStore(
  path: string,
  options: OpenStoreOptions = {},
): Promise<TokenStore & { cacheStats(): StoreCacheStats }> {
  const storePath = await resolveStorePath(path);
  const storage = openStorage(storePath);
  const attributes = await readStoreAttributes(storage);
  if (!attributes.complete) {
    throw new UserError(
      `${storePath} is incomplete (tokenize was interrupted): run it again with the same arguments to finish`,
    );
  }
  const cache = new ChunkCache<TokenArray>(options.cacheBytes ?? 256e6);
  return new StoreReader(storePath, storage, attributes, cache);
}

async function resolveStorePath(path: string): Promise<string> {
  const inside = join(path, STORE_NAME);
  try {
    await Deno.stat(join(inside, "zarr.json"));
    return inside;
  } catch {
    try {
      await Deno.stat(path);
    } catch {
      throw new UserError(`token store ${path} does not exist (run deno task tokenize)`);
    }
    return path;
  }
}

class StoreReader implements TokenStore {
  readonly path: string;
  readonly vocabSize: number;
  readonly eotId: number;
  readonly attributes: Record<string, unknown>;
  readonly #stored: StoreAttributes;
  readonly #arrays: Record<Split, TokenArrayReader>;
  readonly #cache: ChunkCache<TokenArray>;

  constructor(
    path: string,
    storage: StoreStorage,
    attributes: StoreAttributes,
    cache: ChunkCache<TokenArray>,
  ) {
    this.path = path;
    this.#stored = attributes;
    this.attributes = attributes as unknown as Record<string, unknown>;
    this.vocabSize = attributes.vocab_size!;
    this.eotId = attributes.eot_id!;
    this.#cache = cache;
    const array = (split: Split) =>
      new TokenArrayReader(storage, split, {
        length: attributes.splits[split].tokens,
        dtype: attributes.dtype!,
        chunkTokens: attributes.chunk_tokens,
        innerTokens: attributes.inner_chunk_tokens,
      }, cache);
    this.#arrays = { train: array("train"), val: array("val") };
  }

  tokens(split: Split): number {
    return this.#stored.splits[checkSplit(split)].tokens;
  }

  documents(split: Split): number {
    return this.#stored.splits[checkSplit(split)].documents;
  }

  bytes(split: Split): number {
    return this.#stored.splits[checkSplit(split)].bytes;
  }

  async batch(
    split: Split,
    batchSize: number,
    contextLength: number,
    rng: () => number,
  ): Promise<Int32Array> {
    const array = this.#arrays[checkSplit(split)];
    const window = this.#windowLength(split, contextLength);
    const out = new Int32Array(batchSize * window);
    const starts = array.length - window + 1;
    for (let row = 0; row < batchSize; row++) {
      const start = Math.min(starts - 1, Math.floor(rng() * starts));
      await array.read(start, out.subarray(row * window, (row + 1) * window));
    }
    return out;
  }

  async *iterate(split: Split, contextLength: number): AsyncIterable<Int32Array> {
    const array = this.#arrays[checkSplit(split)];
    const window = this.#windowLength(split, contextLength);
    for (let start = 0; start + window <= array.length; start += contextLength) {
      const out = new Int32Array(window);
      await array.read(start, out);
      yield out;
    }
  }

  cacheStats(): StoreCacheStats {
    return { hits: this.#cache.hits, misses: this.#cache.misses, bytes: this.#cache.bytes };
  }

  #windowLength(split: Split, contextLength: number): number {
    if (!Number.isInteger(contextLength) || contextLength < 1) {
      throw new UserError(`context length must be a positive whole number, got ${contextLength}`);
    }
    const tokens = this.#arrays[split].length;
    if (tokens < contextLength + 1) {
      throw new UserError(
        `the ${split} split of ${this.path} has ${tokens} tokens, fewer than one window of ${
          contextLength + 1
        }`,
      );
    }
    return contextLength + 1;
  }
}

function checkSplit(split: Split): Split {
  if (!SPLITS.includes(split)) throw new UserError(`unknown split '${split}' (train or val)`);
  return split;
}
