/** Reading a piece of a source on its own, in any thread: a part, or an archive member. */
import { defaultCorpusFileDocuments } from "./_default_corpus_reader.ts";
import { memberFilter, scratchStats } from "./_shard_plan.ts";
import type { ArchiveMember, ReadContext, SourceItem, SourcePart } from "./types.ts";

/**
 * The documents of one part of a source (see `DocumentSource.parts`), counted into
 * `context.stats` as a pass of `readDocuments` counts them: a Worker given the part reads exactly
 * these. The readers of files (archives, parquet, decompressors) are loaded on first use, so a
 * Worker that reads only the default corpus starts without them.
 */
export function readPart(part: SourcePart, context: ReadContext): AsyncGenerator<string> {
  return documentsOnly(
    readPartItems(part, { stats: context.stats, splitLines: context.splitLines }),
  );
}

/** The items of one part: its documents, and the archive members `context.delegate` picks. */
export async function* readPartItems(
  part: SourcePart,
  context: ReadContext,
): AsyncGenerator<SourceItem> {
  if (part.kind === "default-corpus") {
    yield* defaultCorpusFileDocuments(part.path, part.bytes, context.stats);
    return;
  }
  const { fileDocuments } = await import("./_documents.ts");
  // An archive of a sharded source: the whole file read, only the share's members decoded.
  const members = part.kind === "archive-share" ? memberFilter(part.share) : undefined;
  yield* fileDocuments(part.file, context, members);
}

/** The sizes of the members of a tar archive's outermost level, in order (their headers read). */
export async function archiveMemberSizes(
  part: SourcePart & { kind: "file" },
  splitLines: boolean,
): Promise<number[]> {
  const { fileDocuments } = await import("./_documents.ts");
  const sizes: number[] = [];
  const list = (_name: string, size: number) => (sizes.push(size), false);
  for await (const _ of fileDocuments(part.file, { stats: scratchStats(), splitLines }, list));
  return sizes;
}

/** The documents of an archive member a pass handed over (see `ReadContext.delegate`). */
export async function* readMember(
  member: ArchiveMember,
  context: ReadContext,
): AsyncGenerator<string> {
  const { memberDocuments } = await import("./_documents.ts");
  yield* documentsOnly(
    memberDocuments(member, { stats: context.stats, splitLines: context.splitLines }),
  );
}

/** The documents of `items`, read without a `delegate`, where no member can come whole. */
export async function* documentsOnly(items: AsyncGenerator<SourceItem>): AsyncGenerator<string> {
  for await (const item of items) {
    if (typeof item !== "string") throw new Error(`${item.label}: handed over unasked`);
    yield item;
  }
}
