import { UserError } from "../../core/user_error.ts";
import {
  decodeShardIndex,
  decompress,
  shardIndexBytes,
  type TokenArray,
  valuesOf,
} from "./_chunk_codec.ts";
import type { TokenDtype } from "./store_attributes.ts";
import type { ChunkCache } from "./_chunk_cache.ts";

/**
 * Random access to one `tokens` array: reads a shard's index once, then only the inner chunks a
 * read touches (a seek and a read of ~16 kB each), decoded through a shared chunk cache.
 */
export class TokenArrayReader {
  readonly length: number;
  readonly #directory: string;
  readonly #dtype: TokenDtype;
  readonly #chunkTokens: number;
  readonly #innerTokens: number;
  readonly #cache: ChunkCache<TokenArray>;
  readonly #indexes = new Map<number, { offsets: Float64Array; lengths: Float64Array }>();

  constructor(
    directory: string,
    options: { length: number; dtype: TokenDtype; chunkTokens: number; innerTokens: number },
    cache: ChunkCache<TokenArray>,
  ) {
    this.#directory = directory;
    this.length = options.length;
    this.#dtype = options.dtype;
    this.#chunkTokens = options.chunkTokens;
    this.#innerTokens = options.innerTokens;
    this.#cache = cache;
  }

  /** Copies tokens [start, start + out.length) into `out` (caller checks the range). */
  read(start: number, out: Int32Array): void {
    let done = 0;
    while (done < out.length) {
      const position = start + done;
      const inner = Math.floor(position / this.#innerTokens);
      const values = this.#inner(inner);
      const from = position - inner * this.#innerTokens;
      const take = Math.min(out.length - done, this.#innerTokens - from);
      out.set(values.subarray(from, from + take), done);
      done += take;
    }
  }

  #inner(inner: number): TokenArray {
    return this.#cache.get(`${this.#directory}#${inner}`, () => this.#load(inner));
  }

  #load(inner: number): TokenArray {
    const perShard = this.#chunkTokens / this.#innerTokens;
    const shard = Math.floor(inner / perShard);
    const path = `${this.#directory}/c/${shard}`;
    try {
      const file = Deno.openSync(path, { read: true });
      try {
        let index = this.#indexes.get(shard);
        if (!index) {
          const size = shardIndexBytes(perShard);
          const end = file.seekSync(0, Deno.SeekMode.End);
          index = decodeShardIndex(readAt(file, end - size, size));
          this.#indexes.set(shard, index);
        }
        const slot = inner % perShard;
        if (index.offsets[slot] < 0) return this.#fill();
        const frame = readAt(file, index.offsets[slot], index.lengths[slot]);
        return valuesOf(decompress(frame), this.#dtype);
      } finally {
        file.close();
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return this.#fill();
      throw new UserError(`cannot read ${path}: ${(error as Error).message}`);
    }
  }

  /** A missing chunk holds the fill value 0 (Zarr 3). */
  #fill(): TokenArray {
    return this.#dtype === "uint16"
      ? new Uint16Array(this.#innerTokens)
      : new Uint32Array(this.#innerTokens);
  }
}

function readAt(file: Deno.FsFile, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < length) {
    const read = file.readSync(bytes.subarray(filled));
    if (read === null) throw new Error(`unexpected end of file at byte ${offset + filled}`);
    filled += read;
  }
  return bytes;
}
