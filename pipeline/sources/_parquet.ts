/**
 * Parquet documents: the `text` column, read with `hyparquet` one row group at a time, so memory is bounded
 * by the largest row group, not the file. `hyparquet-compressors` adds the codecs beyond snappy (gzip, zstd,
 * brotli, lz4) that Hugging Face's parquet exports use.
 */
import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { UserError } from "../../core/user_error.ts";
import { describe, labelError } from "./_errors.ts";
import type { ReadContext } from "./types.ts";
import { decodeUtf8, toWellFormed, utf8Length } from "./_utf8.ts";

/** Random access to an open file for hyparquet; reads are queued, as they share one file position. */
function fileBuffer(file: Deno.FsFile, size: number): AsyncBuffer {
  let queue: Promise<unknown> = Promise.resolve();
  const readAt = async (start: number, end: number): Promise<ArrayBuffer> => {
    const bytes = new Uint8Array(end - start);
    await file.seek(start, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < bytes.length) {
      const count = await file.read(bytes.subarray(filled));
      if (count === null) throw new Error(`unexpected end of file at byte ${start + filled}`);
      filled += count;
    }
    return bytes.buffer;
  };
  return {
    byteLength: size,
    slice(start: number, end = size) {
      const result = queue.then(() => readAt(start, Math.min(end, size)));
      queue = result.catch(() => {});
      return result;
    },
  };
}

/**
 * The non-empty strings of the `text` column of the parquet file at `path`, in row order (nulls skipped).
 * `onProgress(fraction)` reports the share of rows read. A file that is not parquet, or has no `text`
 * column, is a UserError naming `label`.
 */
export async function* parquetDocuments(
  path: string,
  label: string,
  context: ReadContext,
  onProgress: (fraction: number) => void = () => {},
): AsyncGenerator<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new UserError(`${label}: cannot open (${describe(error)})`);
  }
  try {
    const buffer = fileBuffer(file, (await file.stat()).size);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(buffer);
    } catch (error) {
      throw labelError(error, label, "not a valid parquet file");
    }
    const columns = parquetSchema(metadata).children.map((child) => child.element.name);
    if (!columns.includes("text")) {
      throw new UserError(`${label}: no "text" column (columns: ${columns.join(", ") || "none"})`);
    }
    const totalRows = Number(metadata.num_rows);
    // Decode strings ourselves, to count invalid UTF-8 as the other formats do.
    const parsers = { stringFromBytes: (bytes: Uint8Array) => decodeUtf8(bytes, context.stats) };
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      try {
        await parquetRead({
          file: buffer,
          metadata,
          columns: ["text"],
          rowStart,
          rowEnd,
          compressors,
          parsers,
          onComplete: (data) => rows = data as unknown[][],
        });
      } catch (error) {
        throw labelError(error, label, `corrupt parquet data in rows ${rowStart}-${rowEnd - 1}`);
      }
      const documents: string[] = [];
      for (const [value] of rows) {
        if (value === null || value === undefined) continue;
        if (typeof value !== "string") {
          throw new UserError(
            `${label}: the "text" column holds ${typeof value} values, not strings`,
          );
        }
        if (value.length > 0) documents.push(toWellFormed(value, context.stats));
      }
      rows = [];
      rowStart = rowEnd;
      onProgress(totalRows > 0 ? rowStart / totalRows : 1);
      for (const document of documents) {
        context.stats.textBytes += utf8Length(document);
        yield document;
      }
    }
    onProgress(1);
  } finally {
    file.close();
  }
}

/**
 * Parquet needs random access (its index is at the end), so a parquet member of an archive or a compressed
 * parquet file is first copied to a temporary file, which is removed afterwards.
 */
export async function* parquetStreamDocuments(
  stream: ReadableStream<Uint8Array>,
  label: string,
  context: ReadContext,
): AsyncGenerator<string> {
  const temporary = await Deno.makeTempFile({ prefix: "sources-", suffix: ".parquet" });
  try {
    const file = await Deno.open(temporary, { write: true, truncate: true });
    await stream.pipeTo(file.writable); // closes the file
    yield* parquetDocuments(temporary, label, context);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
}
