/** Splitting a byte stream into lines with native `indexOf`, a chunk's worth of lines at a time. */
import { chunksOf } from "./_byte_reader.ts";

/**
 * The lines of `stream`, without their "\n" (and a "\r" before it), in batches: one batch per input chunk,
 * so the per-line cost is a subarray, not an await. A last line without "\n" counts; lines that span chunks
 * are joined. Memory is bounded by the longest line.
 */
export async function* lineBatches(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array[]> {
  let pending: Uint8Array[] = []; // pieces of a line that started in an earlier chunk
  let pendingBytes = 0;
  for await (const chunk of chunksOf(stream)) {
    const batch: Uint8Array[] = [];
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      let line = chunk.subarray(start, end);
      if (pendingBytes > 0) {
        pending.push(line);
        line = concat(pending, pendingBytes + line.length);
        pending = [];
        pendingBytes = 0;
      }
      batch.push(stripCarriageReturn(line));
      start = end + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
    }
    if (batch.length > 0) yield batch;
  }
  if (pendingBytes > 0) yield [stripCarriageReturn(concat(pending, pendingBytes))];
}

function stripCarriageReturn(line: Uint8Array): Uint8Array {
  return line.length > 0 && line[line.length - 1] === 0x0d
    ? line.subarray(0, line.length - 1)
    : line;
}

/** Joins byte arrays of total length `length` into one. */
export function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
