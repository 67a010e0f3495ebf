/**
 * The `bytes` codec (Zarr 3, array to bytes) with `endian: "little"`: a chunk's values as their
 * little-endian bytes. Chunks are written and read as the host's typed arrays, so the store needs
 * a little-endian machine (checked once, here).
 */
import type { TokenDtype } from "../store_attributes.ts";

/** A chunk's token values in memory. */
export type TokenArray = Uint16Array | Uint32Array;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("the token store needs a little-endian machine");
}

/** The little-endian bytes of a typed array (a view, no copy). */
export function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A typed array of `dtype` over the decoded bytes of a chunk (copied to be aligned). */
export function valuesOf(bytes: Uint8Array, dtype: TokenDtype): TokenArray {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return dtype === "uint16"
    ? new Uint16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2)
    : new Uint32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
}

/**
 * uint64 values (below 2^53, held as numbers) as the words of their little-endian bytes, padded
 * with the fill value 0 to `length` values.
 */
export function uint64Words(values: Float64Array, length: number): Uint32Array {
  const words = new Uint32Array(length * 2);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    words[2 * i] = value % 0x1_0000_0000;
    words[2 * i + 1] = Math.floor(value / 0x1_0000_0000);
  }
  return words;
}
