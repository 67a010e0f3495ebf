/**
 * The `sharding_indexed` codec (Zarr 3 sharding extension, array to bytes): one shard file holds
 * the inner chunks of `chunk_shape` values each, encoded one by one with the configuration's
 * `codecs` and laid end to end, then the index of (offset, length) pairs as little-endian uint64
 * encoded with `index_codecs` (here `bytes` and `crc32c`), at the end of the file.
 */
import { type TokenArray, valuesOf } from "./bytes.ts";
import { type CodecMetadata, decodeChunk, encodeChunk, fixedOverhead } from "./registry.ts";
import type { TokenDtype } from "../store_attributes.ts";

/** The `configuration` of a `sharding_indexed` codec, as `zarr.json` spells it. */
export interface ShardingConfiguration {
  chunk_shape: [number];
  codecs: CodecMetadata[];
  index_codecs: CodecMetadata[];
  index_location: "end";
}

/** An empty inner chunk's offset and length in a shard index (2^64 - 1, Zarr 3 sharding spec). */
const EMPTY = 0xffff_ffff_ffff_ffffn;

/**
 * One shard file of `shardTokens` values. `values` may be shorter (the array's last shard): the
 * last inner chunk is padded with the fill value 0 and the inner chunks past the data are marked
 * empty.
 */
export function encodeShard(
  values: TokenArray,
  shardTokens: number,
  configuration: ShardingConfiguration,
): Uint8Array {
  const [innerTokens] = configuration.chunk_shape;
  const innerCount = shardTokens / innerTokens;
  const encoded: Uint8Array[] = [];
  const index = new DataView(new ArrayBuffer(innerCount * 16));
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
    const chunk = encodeChunk(configuration.codecs, slice);
    encoded.push(chunk);
    index.setBigUint64(inner * 16, BigInt(offset), true);
    index.setBigUint64(inner * 16 + 8, BigInt(chunk.length), true);
    offset += chunk.length;
  }
  const indexBytes = encodeChunk(configuration.index_codecs, index);
  const shard = new Uint8Array(offset + indexBytes.length);
  let position = 0;
  for (const chunk of encoded) {
    shard.set(chunk, position);
    position += chunk.length;
  }
  shard.set(indexBytes, position);
  return shard;
}

/** Byte length of the index of a shard of `innerCount` inner chunks (the last bytes of its file). */
export function shardIndexBytes(innerCount: number, configuration: ShardingConfiguration): number {
  return innerCount * 16 + fixedOverhead(configuration.index_codecs);
}

/**
 * Parses a shard index (the last `shardIndexBytes` bytes of a shard file): for inner chunk i,
 * `offsets[i]` and `lengths[i]` in the shard, or -1 for an empty chunk. Throws if its checksum
 * does not match (the caller names the file).
 */
export function decodeShardIndex(
  bytes: Uint8Array,
  configuration: ShardingConfiguration,
): { offsets: Float64Array; lengths: Float64Array } {
  let entries: Uint8Array;
  try {
    entries = decodeChunk(configuration.index_codecs, bytes);
  } catch (error) {
    throw new Error(`shard index ${(error as Error).message}`);
  }
  const innerCount = entries.length / 16;
  const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
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

/** The values of one inner chunk, from its encoded bytes in the shard. */
export function decodeInnerChunk(
  encoded: Uint8Array,
  configuration: ShardingConfiguration,
  dtype: TokenDtype,
): TokenArray {
  return valuesOf(decodeChunk(configuration.codecs, encoded), dtype);
}
