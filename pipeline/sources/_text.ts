/** Plain-text documents: a whole file, or (with `splitLines`) each non-empty line. */
import { chunksOf } from "./_byte_reader.ts";
import { concat, lineBatches } from "./_lines.ts";
import type { ReadContext } from "./types.ts";
import { decodeDocument } from "./_utf8.ts";

/** The documents of the plain-text stream `stream`; an empty file or line gives none. */
export async function* textDocuments(
  stream: ReadableStream<Uint8Array>,
  context: ReadContext,
): AsyncGenerator<string> {
  const { stats } = context;
  if (context.splitLines) {
    for await (const batch of lineBatches(stream)) {
      const documents: { text: string; bytes: number }[] = [];
      for (const bytes of batch) {
        if (bytes.length === 0) continue;
        const document = decodeDocument(bytes, stats);
        if (document.text.length > 0) documents.push(document); // a line holding only a BOM is empty too
      }
      for (const document of documents) {
        stats.textBytes += document.bytes;
        yield document.text;
      }
    }
    return;
  }
  // One document per file: it must be whole in memory anyway, as a string.
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunksOf(stream)) {
    parts.push(chunk);
    length += chunk.length;
  }
  if (length === 0) return;
  const document = decodeDocument(concat(parts, length), stats);
  if (document.text.length === 0) return;
  stats.textBytes += document.bytes;
  yield document.text;
}
