/**
 * What the store looks like: its names, the chunk sizes of its arrays, the keys of their chunks
 * and the codecs of each array (one list, used both to write `zarr.json` and to encode chunks).
 */
import type { CodecMetadata } from "./_codecs/registry.ts";
import type { ShardingConfiguration } from "./_codecs/sharding.ts";
import type { StoreKey } from "./_storage.ts";
import type { TokenDtype } from "./store_attributes.ts";
import type { Split } from "./split_hash.ts";

export type { TokenArray } from "./_codecs/bytes.ts";

/** The `format` root attribute that marks a store as one this toolkit wrote. */
export const STORE_FORMAT = "token-shards/1";

/** Name of the store directory inside the `--out` directory. */
export const STORE_NAME = "tokens.zarr";

/** Name of the tokenizer file beside the store. */
export const TOKENIZER_NAME = "tokenizer.json";

/** Most doc_offsets per chunk (512 kB of uint64). */
const MAX_OFFSETS_PER_CHUNK = 65536;
/**
 * Offsets per chunk are chunkTokens / 16 (65,536 for the default chunk): documents have 16 tokens
 * or more, so an offset chunk fills no faster than a token chunk and small stores get small files.
 */
const TOKENS_PER_OFFSET = 16;

/** Chunk sizes of the four arrays, fixed when the store is created. */
export interface StoreLayout {
  dtype: TokenDtype;
  /** Tokens per shard file (the chunk of the array's chunk grid): `--chunk-tokens`. */
  chunkTokens: number;
  /** Tokens per independently compressed inner chunk of a shard (what a random read decodes). */
  innerChunkTokens: number;
  /** Document offsets per chunk of `doc_offsets`. */
  offsetsChunk: number;
}

/** The dtype that holds every id of a vocabulary: uint16 up to 65,536 ids, else uint32. */
export function dtypeForVocab(vocabSize: number): TokenDtype {
  return vocabSize <= 65536 ? "uint16" : "uint32";
}

/** The layout for a chunk size and dtype (`innerChunkTokens` must divide `chunkTokens`). */
export function storeLayout(
  dtype: TokenDtype,
  chunkTokens: number,
  innerChunkTokens: number,
): StoreLayout {
  return {
    dtype,
    chunkTokens,
    innerChunkTokens,
    offsetsChunk: Math.max(
      1,
      Math.min(Math.floor(chunkTokens / TOKENS_PER_OFFSET), MAX_OFFSETS_PER_CHUNK),
    ),
  };
}

/** Path of a split's array inside the store. */
export function arrayPath(split: Split, name: "tokens" | "doc_offsets"): StoreKey {
  return `/${split}/${name}`;
}

/** Store key of chunk `index` of an array (default chunk key encoding, separator "/"). */
export function chunkKey(split: Split, name: "tokens" | "doc_offsets", index: number): StoreKey {
  return `${arrayPath(split, name)}/c/${index}`;
}

/**
 * zstd level of every chunk. Level 1 over level 3: on BPE tokens it compresses about 2.5 times
 * faster for a file about 5% larger (measured by `deno task bench shards`, see the README).
 */
export const ZSTD_LEVEL = 1;

/** Largest inner chunk of a token shard: small enough that a random window decompresses ~16 kB. */
export const MAX_INNER_CHUNK_TOKENS = 8192;

/**
 * The inner chunk size of a token shard of `shardTokens`: the largest divisor of it that is at
 * most `MAX_INNER_CHUNK_TOKENS` (the sharding codec needs inner chunks that tile the shard).
 * Returns 0 when that divisor would be under 1024 tokens (too small to compress well).
 */
export function innerChunkTokens(shardTokens: number): number {
  if (shardTokens <= MAX_INNER_CHUNK_TOKENS) return shardTokens;
  for (let size = MAX_INNER_CHUNK_TOKENS; size >= 1024; size--) {
    if (shardTokens % size === 0) return size;
  }
  return 0;
}

const BYTES_LITTLE_ENDIAN: CodecMetadata = { name: "bytes", configuration: { endian: "little" } };
const ZSTD: CodecMetadata = { name: "zstd", configuration: { level: ZSTD_LEVEL, checksum: false } };

/** The codecs of a `doc_offsets` chunk: uint64 little-endian, then zstd. */
export const OFFSETS_CODECS: CodecMetadata[] = [BYTES_LITTLE_ENDIAN, ZSTD];

/**
 * The sharding of a `tokens` array: inner chunks of `innerChunkTokens`, each little-endian then
 * zstd; the index little-endian with its CRC-32C, at the end of the shard.
 */
export function tokensSharding(innerChunkTokens: number): ShardingConfiguration {
  return {
    chunk_shape: [innerChunkTokens],
    codecs: [BYTES_LITTLE_ENDIAN, ZSTD],
    index_codecs: [BYTES_LITTLE_ENDIAN, { name: "crc32c" }],
    index_location: "end",
  };
}
