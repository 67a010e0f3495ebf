/**
 * The codecs of the store's chunks, one per file, found by the name an array's `zarr.json` gives
 * them (as zarrita.js's `codecs/`). A chunk is encoded by its array's codec list: first the
 * array-to-bytes codec (`bytes`, little-endian, here a view of the typed array), then each
 * bytes-to-bytes codec in order (`zstd`, `crc32c`); it is decoded in the reverse order. A
 * `sharding_indexed` array applies such lists to its inner chunks and its index (`sharding.ts`).
 * Adding a codec is a file and a line of `REGISTRY`.
 */
import { crc32cCodec } from "./crc32c.ts";
import { zstdCodec } from "./zstd.ts";
import { bytesOf } from "./bytes.ts";

/** A codec's entry in a `codecs` list of `zarr.json`. */
export interface CodecMetadata {
  name: string;
  configuration?: Record<string, unknown>;
}

/** A bytes-to-bytes codec (Zarr 3). */
export interface BytesCodec {
  encode(bytes: Uint8Array): Uint8Array;
  decode(bytes: Uint8Array): Uint8Array;
  /** Bytes it adds to any input, when that is fixed (a checksum); absent when it varies. */
  readonly overhead?: number;
}

const REGISTRY: Record<string, (configuration: Record<string, unknown>) => BytesCodec> = {
  zstd: zstdCodec,
  crc32c: crc32cCodec,
};

/** The bytes-to-bytes codec a `zarr.json` entry names; throws for one the store does not use. */
export function bytesCodec(metadata: CodecMetadata): BytesCodec {
  const make = REGISTRY[metadata.name];
  if (!make) throw new Error(`codec '${metadata.name}' is not one the token store uses`);
  return make(metadata.configuration ?? {});
}

/** Checks that a list starts with the little-endian `bytes` codec; returns the codecs after it. */
function afterBytes(codecs: readonly CodecMetadata[]): BytesCodec[] {
  const [first, ...rest] = codecs;
  if (first?.name !== "bytes" || first.configuration?.endian !== "little") {
    throw new Error(`a chunk's codecs must start with little-endian 'bytes', got ${first?.name}`);
  }
  return rest.map(bytesCodec);
}

/** Encodes a chunk's values by an array's codec list. */
export function encodeChunk(codecs: readonly CodecMetadata[], values: ArrayBufferView): Uint8Array {
  let bytes = bytesOf(values);
  for (const codec of afterBytes(codecs)) bytes = codec.encode(bytes);
  return bytes;
}

/** The little-endian bytes of a chunk encoded by `codecs` (view them with `valuesOf`). */
export function decodeChunk(codecs: readonly CodecMetadata[], encoded: Uint8Array): Uint8Array {
  let bytes = encoded;
  for (const codec of afterBytes(codecs).reverse()) bytes = codec.decode(bytes);
  return bytes;
}

/** Bytes a codec list adds to any chunk (`bytes` adds none); throws when it varies. */
export function fixedOverhead(codecs: readonly CodecMetadata[]): number {
  let total = 0;
  for (const codec of afterBytes(codecs)) {
    if (codec.overhead === undefined) throw new Error("a shard index codec must have a fixed size");
    total += codec.overhead;
  }
  return total;
}
