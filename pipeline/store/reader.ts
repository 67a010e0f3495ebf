import { join } from "node:path";
import { UserError } from "../../core/user_error.ts";
import { ChunkCache } from "./_chunk_cache.ts";
import type { TokenArray } from "./_layout.ts";
import type { Split } from "./split_hash.ts";
import type { StoreAttributes } from "./store_attributes.ts";
import { STORE_NAME } from "./_layout.ts";
import { readStoreAttributes } from "./_metadata.ts";
import { openStorage, type StoreStorage } from "./_storage.ts";
import { TokenArrayReader } from "./_token_array_reader.ts";
import { resolveStores } from "./_store_paths.ts";
import { checkSameEncoding, StoreSet } from "./_store_set.ts";
import { checkSplit, windowCount, windowLength } from "./_window.ts";

/** A finished token store, or several read as one, read a window at a time (see `openStore`). */
export interface TokenStore {
  /**
   * The store directory (`.../tokens.zarr`); for several stores, the manifest's folder (or file),
   * else the list or glob as given.
   */
  readonly path: string;
  /** The stores read as one, in the order `iterate` covers them (absent for a single store). */
  readonly stores?: readonly TokenStore[];
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
  /** How many windows `iterate(split, contextLength)` yields (for progress and limits). */
  windowCount?(split: Split, contextLength: number): number;
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
 * Several stores read as one `TokenStore`: a list (an array, or one string with commas), a glob
 * (`data/owt/shard-*`), or a manifest (`OUT/stores.json` or its folder OUT, written by
 * `mergeStores`), in any mix. `batch` draws each window from one store, the stores in proportion to
 * their tokens; `iterate` covers the stores one after the other, in the order named (a glob's
 * matches sorted by path, a manifest's in its order). Stores of different dtypes, vocabularies or
 * tokenizers (sha256) are refused in one line naming the store; the cache budget is shared.
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
  path: string | readonly string[],
  options: OpenStoreOptions = {},
): Promise<TokenStore & { cacheStats(): StoreCacheStats }> {
  const cacheBytes = options.cacheBytes ?? 256e6;
  if (typeof path === "string" && await isStoreFolder(path)) {
    return await openOne(path, cacheBytes);
  }
  const resolved = await resolveStores(path);
  const each = cacheBytes / resolved.stores.length;
  const stores = await Promise.all(resolved.stores.map((store) => openOne(store, each)));
  const set = new StoreSet(resolved.label, stores);
  const manifest = resolved.manifest;
  if (manifest) {
    checkSameEncoding(stores, {
      label: manifest.file,
      tokenizerSha256: manifest.content.tokenizer_sha256,
    });
  }
  return set;
}

/** Whether `path` names one store (not a manifest, a glob or a list). */
async function isStoreFolder(path: string): Promise<boolean> {
  for (const file of [join(path, STORE_NAME, "zarr.json"), join(path, "zarr.json")]) {
    try {
      await Deno.stat(file);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

async function openOne(path: string, cacheBytes: number): Promise<StoreReader> {
  const storePath = await resolveStorePath(path);
  const storage = openStorage(storePath);
  const attributes = await readStoreAttributes(storage);
  if (!attributes.complete) {
    throw new UserError(
      `${storePath} is incomplete (tokenize was interrupted): run it again with the same arguments to finish`,
    );
  }
  const cache = new ChunkCache<TokenArray>(cacheBytes);
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

  windowCount(split: Split, contextLength: number): number {
    windowLength(contextLength);
    return windowCount(this.tokens(split), contextLength);
  }

  /** Copies tokens [start, start + out.length) of a split into `out` (the caller checks the range). */
  read(split: Split, start: number, out: Int32Array): Promise<void> {
    return this.#arrays[split].read(start, out);
  }

  cacheStats(): StoreCacheStats {
    return { hits: this.#cache.hits, misses: this.#cache.misses, bytes: this.#cache.bytes };
  }

  #windowLength(split: Split, contextLength: number): number {
    windowLength(contextLength);
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
