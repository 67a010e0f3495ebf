/** Which reader a file or archive member needs, from its name and, where the name is silent, its bytes. */
import { type Compression, sniffCompression } from "./_compression.ts";
import { looksLikeTar } from "./_tar_reader.ts";

/** What a (decompressed) stream holds. */
export type Container = "tar" | "jsonl" | "parquet" | "text";

/** A file's format as its name tells it; a null container means "look at the content". */
export interface NamedFormat {
  compression: Compression | null;
  container: Container | null;
}

const COMPRESSION_SUFFIXES: [string, Compression, Container | null][] = [
  [".tgz", "gzip", "tar"],
  [".txz", "xz", "tar"],
  [".tzst", "zstd", "tar"],
  [".gz", "gzip", null],
  [".xz", "xz", null],
  [".zst", "zstd", null],
  [".zstd", "zstd", null],
];

const CONTAINER_SUFFIXES: [string, Container][] = [
  [".tar", "tar"],
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".parquet", "parquet"],
  [".txt", "text"],
  [".text", "text"],
];

/**
 * The format named by a file name: `a.jsonl.zst` is zstd-compressed JSON Lines, `b.tgz` a gzipped tar.
 * A name with no known container suffix (OpenWebText's `urlsf_subset00-1_data.xz`, a tar) leaves the
 * container to {@link sniffContainer}.
 */
export function formatFromName(path: string): NamedFormat {
  let name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  let compression: Compression | null = null;
  for (const [suffix, kind, container] of COMPRESSION_SUFFIXES) {
    if (name.endsWith(suffix)) {
      if (container) return { compression: kind, container };
      compression = kind;
      name = name.slice(0, -suffix.length);
      break;
    }
  }
  for (const [suffix, container] of CONTAINER_SUFFIXES) {
    if (name.endsWith(suffix)) return { compression, container };
  }
  return { compression, container: null };
}

/** The compression a stream with no telling name starts with (by magic number), or null. */
export { sniffCompression };

/** The container of a stream with no telling name, from its first 512 bytes: tar, parquet, else text. */
export function sniffContainer(head: Uint8Array): Container {
  if (looksLikeTar(head)) return "tar";
  if (
    head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31
  ) {
    return "parquet"; // "PAR1"
  }
  return "text";
}

/** Whether a name says the file or member is compressed (decoding is then the costly part of reading it). */
export function isCompressedName(path: string): boolean {
  return formatFromName(path).compression !== null;
}
