import { zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { constants } from "node:zlib";
import { crc32c } from "./_crc32c.ts";

import type { TokenDtype } from "./store_attributes.ts";

/** A chunk's values in memory. */
export type TokenArray = Uint16Array | Uint32Array;

/**
 * zstd level of every chunk. Level 1 over level 3: on BPE tokens it compresses about 2.5 times
 * faster for a file about 5% larger (measured by `deno task bench shards`, see the README).
 */
export const ZSTD_LEVEL = 1;

/** Largest inner chunk of a token shard: small enough that a random window decompresses ~16 kB. */
export const MAX_INNER_CHUNK_TOKENS = 8192;

/** An empty inner chunk's offset and length in a shard index (2^64 - 1, Zarr 3 sharding spec). */
const EMPTY = 0xffff_ffff_ffff_ffffn;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Chunks are written and read as the host's typed arrays; the store says "little".
  throw new Error("the token store needs a little-endian machine");
}

/** The zstd frame of `bytes`, at `ZSTD_LEVEL` (native zstd through `node:zlib`). */
export function compress(bytes: Uint8Array): Uint8Array {
  return zstdCompressSync(bytes, { params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
}

/** The bytes of a zstd frame. */
export function decompress(frame: Uint8Array): Uint8Array {
  return zstdDecompressSync(frame);
}

/** The little-endian bytes of a typed array (a view, no copy). */
export function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A typed array of `dtype` over the decompressed bytes of a chunk (copied to be aligned). */
export function valuesOf(bytes: Uint8Array, dtype: TokenDtype): TokenArray {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return dtype === "uint16"
    ? new Uint16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2)
    : new Uint32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
}

/**
 * One shard file of a `sharding_indexed` array (Zarr 3 sharding codec): the inner chunks of
 * `innerTokens` values each, compressed one by one and laid end to end, then the index of
 * (offset, length) pairs as little-endian uint64 with its CRC-32C (index codecs `bytes`, `crc32c`,
 * index at the end). `values` may be shorter than `shardTokens` (the array's last shard): the last
 * inner chunk is padded with the fill value 0 and the inner chunks past the data are marked empty.
 */
export function encodeShard(
  values: TokenArray,
  shardTokens: number,
  innerTokens: number,
): Uint8Array {
  const innerCount = shardTokens / innerTokens;
  const frames: Uint8Array[] = [];
  const index = new DataView(new ArrayBuffer(innerCount * 16 + 4));
  let offset = 0;
  for (let inner = 0; inner < innerCount; inner++) {
    const start = inner * innerTokens;
    if (start >= values.length) {
      index.setBigUint64(inner * 16, EMPTY, true);
      index.setBigUint64(inner * 16 + 8, EMPTY, true);
      continue;
    }
    let slice = values.subarray(start, start + innerTokens);
    if (slice.length < innerTokens) {
      const padded = new (values.constructor as Uint16ArrayConstructor | Uint32ArrayConstructor)(
        innerTokens,
      );
      padded.set(slice);
      slice = padded;
    }
    const frame = compress(bytesOf(slice));
    frames.push(frame);
    index.setBigUint64(inner * 16, BigInt(offset), true);
    index.setBigUint64(inner * 16 + 8, BigInt(frame.length), true);
    offset += frame.length;
  }
  const indexBytes = new Uint8Array(index.buffer);
  index.setUint32(innerCount * 16, crc32c(indexBytes.subarray(0, innerCount * 16)), true);
  const shard = new Uint8Array(offset + indexBytes.length);
  let position = 0;
  for (const frame of frames) {
    shard.set(frame, position);
    position += frame.length;
  }
  shard.set(indexBytes, position);
  return shard;
}

/** Byte length of a shard index of `innerCount` entries with its checksum. */
export function shardIndexBytes(innerCount: number): number {
  return innerCount * 16 + 4;
}

/**
 * Parses a shard index (the last `shardIndexBytes` bytes of a shard file): for inner chunk i,
 * `offsets[i]` and `lengths[i]` in the shard, or -1 for an empty chunk. Throws if the checksum
 * does not match (the caller names the file).
 */
export function decodeShardIndex(
  bytes: Uint8Array,
): { offsets: Float64Array; lengths: Float64Array } {
  const innerCount = (bytes.length - 4) / 16;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(innerCount * 16, true);
  if (crc32c(bytes.subarray(0, innerCount * 16)) !== stored) {
    throw new Error("shard index checksum mismatch");
  }
  const offsets = new Float64Array(innerCount);
  const lengths = new Float64Array(innerCount);
  for (let i = 0; i < innerCount; i++) {
    const offset = view.getBigUint64(i * 16, true);
    const length = view.getBigUint64(i * 16 + 8, true);
    offsets[i] = offset === EMPTY ? -1 : Number(offset);
    lengths[i] = length === EMPTY ? -1 : Number(length);
  }
  return { offsets, lengths };
}

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
