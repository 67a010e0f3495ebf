/**
 * Reads one file of the embedded default corpus (see `_default_corpus.ts`): kept apart from the
 * package lookup so that a Worker reading the corpus does not load the package's Node modules.
 */
import { UserError } from "../../core/user_error.ts";
import { describe } from "./_errors.ts";
import type { ReadStats } from "./types.ts";
import { toWellFormed, utf8Length } from "./_utf8.ts";

/**
 * The sentences of one file of the default corpus (`files[k]`, `sizes[k]` bytes), one JSON array
 * in memory at a time.
 */
export async function* defaultCorpusFileDocuments(
  path: string,
  bytes: number,
  stats: ReadStats,
): AsyncGenerator<string> {
  let sentences: unknown;
  try {
    sentences = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new UserError(`${path}: cannot read the default corpus (${describe(error)})`);
  }
  if (!Array.isArray(sentences)) {
    throw new UserError(`${path}: expected a JSON array of sentences`);
  }
  stats.inputBytes += bytes;
  for (const sentence of sentences) {
    if (typeof sentence !== "string" || sentence.length === 0) continue;
    const document = toWellFormed(sentence, stats);
    stats.textBytes += utf8Length(document);
    yield document;
  }
}
