/**
 * CRC-32C (Castagnoli), the checksum the Zarr 3 `crc32c` codec appends to a shard index.
 * Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF (RFC 3720, appendix B.4).
 */
import type { BytesCodec } from "./registry.ts";

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
})();

/** The CRC-32C of `bytes` as an unsigned 32-bit integer; `crc32c("123456789")` is 0xE3069283. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The `crc32c` codec (Zarr 3, bytes to bytes): the bytes, then their CRC-32C as a little-endian uint32. */
export function crc32cCodec(): BytesCodec {
  return {
    overhead: 4,
    encode(bytes) {
      const out = new Uint8Array(bytes.length + 4);
      out.set(bytes);
      new DataView(out.buffer).setUint32(bytes.length, crc32c(bytes), true);
      return out;
    },
    decode(bytes) {
      const body = bytes.subarray(0, bytes.length - 4);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (crc32c(body) !== view.getUint32(bytes.length - 4, true)) {
        throw new Error("checksum mismatch");
      }
      return body;
    },
  };
}
