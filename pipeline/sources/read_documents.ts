/** `readDocuments`: the one entry point of the sources, tying input resolution and the readers together. */
import { locateDefaultCorpus } from "./_default_corpus.ts";
import { archiveMemberSizes, documentsOnly, readPartItems } from "./read_part.ts";
import { partBytes, planShare } from "./_shard_plan.ts";
import { resolveInputs } from "./_input_files.ts";
import type {
  DocumentSource,
  InputFile,
  ReadContext,
  ReadOptions,
  ReadStats,
  Shard,
  SourceItem,
  SourcePart,
} from "./types.ts";

/**
 * Opens a corpus for streaming. `inputs` are files, directories (walked, sorted) or globs (`*`, `?`, `**`);
 * formats are told by name: `.txt`, `.jsonl` (field `text`), `.parquet` (column `text`), `.tar`, each
 * optionally compressed (`.gz`/`.tgz`, `.xz`, `.zst`), tar members read with the same rules, to any
 * depth; where the name is silent (`urlsf_subset00-1_data.xz`) the content decides. No inputs: the
 * embedded default corpus (nlp-corpus, one sentence per document).
 *
 * Inputs are resolved now (a missing path is a UserError naming it); each `for await` is a fresh pass in
 * the same order. Bad content (corrupt or truncated archive, bad JSON line, bad parquet) is a UserError
 * naming the file and member or line. Empty documents are skipped; `stats.documents === 0` after a pass
 * means an empty corpus. With `shard`, a pass reads only that share of the parts (files, the default
 * corpus's files, tar archives' members; the rule is in `_shard_plan.ts`).
 *
 * @example
 * ```ts
 * import { readDocuments } from "./read_documents.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/corpus.jsonl`, '{"text": "one"}\n{"text": "two"}\n');
 * const source = await readDocuments([`${dir}/corpus.jsonl`]); // or data/openwebtext.tar.xz
 * for await (const document of source) {
 *   // ... source.stats.inputBytes / source.totalBytes is the progress
 * }
 * console.log(source.stats.documents, source.stats.invalidUtf8);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readDocuments(
  inputs: string[],
  options: ReadOptions = {},
): Promise<DocumentSource> {
  const splitLines = options.splitLines ?? false;
  if (inputs.length === 0) {
    const corpus = await locateDefaultCorpus();
    const parts = corpus.files.map((path, k): SourcePart => ({
      kind: "default-corpus",
      path,
      bytes: corpus.sizes[k],
    }));
    return sharded(new Source([corpus.input], parts, splitLines), options.shard);
  }
  const files = await resolveInputs(inputs);
  const parts = files.map((file): SourcePart => ({ kind: "file", file }));
  return sharded(new Source(files, parts, splitLines), options.shard);
}

/** The source reduced to one share of its parts (see `_shard_plan.ts`), or itself. */
async function sharded(source: Source, shard: Shard | undefined): Promise<DocumentSource> {
  if (!shard) return source;
  const parts = await planShare(
    source.parts,
    shard,
    (part) => archiveMemberSizes(part, source.splitLines),
  );
  return new Source(source.inputs, parts, source.splitLines, shard);
}

class Source implements DocumentSource {
  readonly totalBytes: number;
  readonly stats: ReadStats = { documents: 0, inputBytes: 0, textBytes: 0, invalidUtf8: 0 };

  constructor(
    readonly inputs: InputFile[],
    readonly parts: SourcePart[],
    readonly splitLines: boolean,
    readonly shard: Shard | null = null,
  ) {
    this.totalBytes = shard
      ? parts.reduce((sum, part) => sum + partBytes(part), 0)
      : inputs.reduce((sum, input) => sum + input.bytes, 0);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    yield* documentsOnly(this.#pass(undefined));
  }

  items(delegate: (name: string, size: number) => boolean): AsyncGenerator<SourceItem> {
    return this.#pass(delegate);
  }

  async *#pass(delegate: ReadContext["delegate"]): AsyncGenerator<SourceItem> {
    const stats = this.stats;
    // Reset in place: a caller holding `stats` keeps seeing the live counters.
    stats.documents =
      stats.inputBytes =
      stats.textBytes =
      stats.invalidUtf8 =
        0;
    const context: ReadContext = { stats, splitLines: this.splitLines, delegate };
    for (const part of this.parts) {
      for await (const item of readPartItems(part, context)) {
        // Each reader adds textBytes as it yields: the text reader knows them unscanned.
        if (typeof item === "string") stats.documents++;
        yield item;
      }
    }
  }
}
