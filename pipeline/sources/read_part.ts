/** `readPart`: the documents of one part of a source, readable in any thread. */
import { defaultCorpusFileDocuments } from "./default_corpus_reader.ts";
import type { ReadContext, SourcePart } from "./types.ts";

/**
 * The documents of one part of a source (see `DocumentSource.parts`), counted into
 * `context.stats` as a pass of `readDocuments` counts them: a Worker given the part reads exactly
 * these. The readers of files (archives, parquet, decompressors) are loaded on first use, so a
 * Worker that reads only the default corpus starts without them.
 */
export async function* readPart(part: SourcePart, context: ReadContext): AsyncGenerator<string> {
  if (part.kind === "default-corpus") {
    yield* defaultCorpusFileDocuments(part.path, part.bytes, context.stats);
    return;
  }
  const { fileDocuments } = await import("./documents.ts");
  yield* fileDocuments(part.file, context);
}
