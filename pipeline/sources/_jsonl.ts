/** JSON Lines documents: one JSON object per line, the document in its string field `text`. */
import { UserError } from "../../core/user_error.ts";
import { lineBatches } from "./_lines.ts";
import type { ReadStats } from "./types.ts";
import { decodeUtf8, toWellFormed, utf8Length } from "./_utf8.ts";

/**
 * The `text` field of each line of `stream`. Blank lines are skipped; a line that is not JSON, or has no
 * string `text`, is a UserError naming `label` and the line number (counted from 1).
 */
export async function* jsonlDocuments(
  stream: ReadableStream<Uint8Array>,
  label: string,
  stats: ReadStats,
): AsyncGenerator<string> {
  let lineNumber = 0;
  for await (const batch of lineBatches(stream)) {
    const documents: string[] = [];
    for (const bytes of batch) {
      lineNumber++;
      const line = decodeUtf8(bytes, stats);
      if (!/\S/.test(line)) continue; // stops at the first visible character: no copy
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new UserError(
          `${label}: line ${lineNumber}: not valid JSON (${
            (error as Error).message.split("\n")[0]
          })`,
        );
      }
      const text = (record as { text?: unknown } | null)?.text;
      if (typeof text !== "string") {
        throw new UserError(`${label}: line ${lineNumber}: no string field "text"`);
      }
      if (text.length > 0) documents.push(toWellFormed(text, stats));
    }
    for (const document of documents) {
      stats.textBytes += utf8Length(document);
      yield document;
    }
  }
}
