import * as zarr from "zarrita";
import type { AtomicFileSystemStore } from "./_storage.ts";
import { ZSTD_LEVEL } from "./_chunk_codec.ts";
import type { TokenDtype } from "./store_attributes.ts";
import type { Split } from "./split_hash.ts";

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
export function arrayPath(split: Split, name: "tokens" | "doc_offsets"): `/${string}` {
  return `/${split}/${name}`;
}

/** Store key of chunk `index` of an array (default chunk key encoding, separator "/"). */
export function chunkKey(split: Split, name: "tokens" | "doc_offsets", index: number): string {
  return `${arrayPath(split, name)}/c/${index}`;
}

const bytesLittleEndian = { name: "bytes", configuration: { endian: "little" } };
const zstd = { name: "zstd", configuration: { level: ZSTD_LEVEL, checksum: false } };

/**
 * Writes (or rewrites, to change its length) the `zarr.json` of a split's `tokens` array through
 * zarrita: 1-D, one shard file per `chunkTokens` tokens, each shard holding inner chunks of
 * `innerChunkTokens` compressed with zstd (Zarr 3 `sharding_indexed` codec), fill value 0.
 */
export async function writeTokensMetadata(
  store: AtomicFileSystemStore,
  split: Split,
  length: number,
  layout: StoreLayout,
): Promise<void> {
  await zarr.create(zarr.root(store).resolve(arrayPath(split, "tokens")), {
    shape: [length],
    chunkShape: [layout.chunkTokens],
    dtype: layout.dtype,
    fillValue: 0,
    dimensionNames: ["token"],
    codecs: [{
      name: "sharding_indexed",
      configuration: {
        chunk_shape: [layout.innerChunkTokens],
        codecs: [bytesLittleEndian, zstd],
        index_codecs: [bytesLittleEndian, { name: "crc32c" }],
        index_location: "end",
      },
    }],
  });
}

/**
 * Writes the `zarr.json` of a split's `doc_offsets` array: uint64 token index where each
 * document starts, plain chunks of `offsetsChunk` compressed with zstd, fill value 0.
 */
export async function writeOffsetsMetadata(
  store: AtomicFileSystemStore,
  split: Split,
  length: number,
  layout: StoreLayout,
): Promise<void> {
  await zarr.create(zarr.root(store).resolve(arrayPath(split, "doc_offsets")), {
    shape: [length],
    chunkShape: [layout.offsetsChunk],
    dtype: "uint64",
    // A BigInt does not serialise to JSON; the specification writes the number 0.
    fillValue: 0 as unknown as bigint,
    dimensionNames: ["document"],
    codecs: [bytesLittleEndian, zstd],
  });
}

/** Writes a group's `zarr.json` (the root group's holds the store's attributes). */
export async function writeGroupMetadata(
  store: AtomicFileSystemStore,
  path: "/" | `/${Split}`,
  attributes: Record<string, unknown> = {},
): Promise<void> {
  await zarr.create(zarr.root(store).resolve(path), { attributes });
}
