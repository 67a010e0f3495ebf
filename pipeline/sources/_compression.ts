/** Which compression a file uses (by name, or by its first bytes), and the streaming decoders for each. */
import { describe, labelStreamErrors } from "./_errors.ts";
import { xzDecompress } from "./_xz_stream.ts";
import { zstdDecompress } from "./_zstd_stream.ts";

/** The compressions the sources read. */
export type Compression = "gzip" | "xz" | "zstd";

const MAGIC: [Compression, number[]][] = [
  ["gzip", [0x1f, 0x8b]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
];

/** The compression whose magic number starts `head`, or null. */
export function sniffCompression(head: Uint8Array): Compression | null {
  for (const [compression, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) {
      return compression;
    }
  }
  return null;
}

function gzipProblem(error: unknown): string {
  // Deno's decoder stops after the first gzip member and reports any bytes after it this way.
  if (describe(error).includes("failed to write whole buffer")) {
    return "data after the end of the gzip stream (concatenated gzip members are not supported; " +
      "recompress with `gzip -dc FILE | gzip`)";
  }
  return `corrupt or truncated gzip stream (${describe(error)})`;
}

/**
 * Decompresses `compressed`. gzip uses the runtime's native `DecompressionStream` (the fastest here);
 * xz and zstd use WebAssembly / JavaScript decoders from npm. Errors of this stage name `label`.
 */
export function decompress(
  compressed: ReadableStream<Uint8Array>,
  compression: Compression,
  label: string,
): ReadableStream<Uint8Array> {
  switch (compression) {
    case "gzip":
      return labelStreamErrors(
        (compressed as ReadableStream<BufferSource>).pipeThrough(new DecompressionStream("gzip")),
        label,
        gzipProblem,
      );
    case "xz":
      return xzDecompress(compressed, label);
    case "zstd":
      return zstdDecompress(compressed, label);
  }
}
