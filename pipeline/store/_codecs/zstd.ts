/**
 * The `zstd` codec (Zarr 3, bytes to bytes): one zstd frame per chunk, native zstd through
 * `node:zlib`. Every frame declares its content size in its header (`pledgedSrcSize`): readers
 * that size their output from the header (numcodecs before 0.16, python-zstd) refuse a frame
 * without it.
 */
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import type { BytesCodec } from "./registry.ts";

/** A zstd codec of `configuration.level` (`checksum` true adds the frame's content checksum). */
export function zstdCodec(configuration: Record<string, unknown>): BytesCodec {
  const level = Number(configuration.level ?? 0);
  const checksum = configuration.checksum === true;
  return {
    encode: (bytes) =>
      zstdCompressSync(
        bytes,
        {
          pledgedSrcSize: bytes.byteLength,
          params: {
            [constants.ZSTD_c_compressionLevel]: level,
            [constants.ZSTD_c_checksumFlag]: checksum ? 1 : 0,
          },
        } as Parameters<typeof zstdCompressSync>[1],
      ),
    decode: (frame) => zstdDecompressSync(frame),
  };
}
