/**
 * The dispatcher: from a named byte stream to documents, decompressing and descending into tar members
 * with the same dispatch, to any depth (OpenWebText: a .tar.xz of .xz-compressed tars of .txt files).
 */
import { UserError } from "../../core/user_error.ts";
import { ByteReader } from "./_byte_reader.ts";
import { decompress } from "./_compression.ts";
import { openFile } from "./_file_stream.ts";
import { formatFromName, sniffCompression, sniffContainer } from "./format.ts";
import { jsonlDocuments } from "./_jsonl.ts";
import { parquetDocuments, parquetStreamDocuments } from "./_parquet.ts";
import { readTar } from "./_tar_reader.ts";
import { textDocuments } from "./_text.ts";
import type { ArchiveMember, InputFile, MemberFilter, ReadContext, SourceItem } from "./types.ts";

/**
 * The documents of one input file; its bytes are counted into `stats.inputBytes` as they are read.
 * `members`, for a tar archive, picks the members of its outermost level to read.
 */
export async function* fileDocuments(
  input: InputFile,
  context: ReadContext,
  members?: MemberFilter,
): AsyncGenerator<SourceItem> {
  const { stats } = context;
  const format = formatFromName(input.path);
  if (format.container === "parquet" && format.compression === null) {
    const start = stats.inputBytes;
    yield* parquetDocuments(input.path, input.path, context, (fraction) => {
      stats.inputBytes = start + Math.round(fraction * input.bytes);
    });
    return;
  }
  const file = await openFile(input.path, (bytes) => stats.inputBytes += bytes);
  try {
    yield* streamDocuments(input.path, input.path, file.stream, context, members);
  } finally {
    file.close();
  }
}

/**
 * The documents of the stream `bytes` of a file or member called `name`. `label` names it in errors:
 * the input path, then `:member` for each archive level. `members` picks the members of a tar
 * stream to read (not those of archives inside them); the others are skipped unread.
 */
export async function* streamDocuments(
  name: string,
  label: string,
  bytes: ReadableStream<Uint8Array>,
  context: ReadContext,
  members?: MemberFilter,
): AsyncGenerator<SourceItem> {
  let { compression, container } = formatFromName(name);
  let stream = bytes;
  if (compression !== null || container === null) {
    // Check the magic number a name promises; where the name is silent, let the first bytes decide.
    const head = new ByteReader(stream);
    const magic = sniffCompression(await head.peek(6));
    if (compression !== null && magic !== compression) {
      const found = (await head.peek(1)).length === 0
        ? "the file is empty"
        : `no ${compression} magic number`;
      await head.cancel();
      throw new UserError(`${label}: not a ${compression} file (${found})`);
    }
    compression ??= magic;
    stream = head.rest();
  }
  if (compression !== null) stream = decompress(stream, compression, label);
  if (container === null) {
    const head = new ByteReader(stream);
    container = sniffContainer(await head.peek(512));
    stream = head.rest();
  }
  switch (container) {
    case "tar":
      for await (const member of readTar(stream, label)) {
        if (isHidden(member.name)) continue; // as in a directory walk: ".git/", macOS "._x" forks
        if (members && !members(member.name, member.size)) continue; // readTar skips the body
        const memberLabel = `${label}:${member.name}`;
        if (context.delegate?.(member.name, member.size)) {
          const bytes = await readAll(member.body, member.size, memberLabel);
          yield { name: member.name, label: memberLabel, bytes } satisfies ArchiveMember;
          continue;
        }
        yield* streamDocuments(member.name, memberLabel, member.body, context);
      }
      return;
    case "jsonl":
      yield* jsonlDocuments(stream, label, context.stats);
      return;
    case "parquet":
      yield* parquetStreamDocuments(stream, label, context);
      return;
    case "text":
      yield* textDocuments(stream, context);
      return;
  }
}

/** The documents of an archive member handed over whole (see `ReadContext.delegate`). */
export function memberDocuments(
  member: ArchiveMember,
  context: ReadContext,
): AsyncGenerator<SourceItem> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(member.bytes);
      controller.close();
    },
  });
  return streamDocuments(member.name, member.label, body, context);
}

/** A member's `size` bytes, read whole. */
async function readAll(
  body: ReadableStream<Uint8Array>,
  size: number,
  label: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(size);
  let at = 0;
  for await (const chunk of body) {
    bytes.set(chunk.subarray(0, size - at), at);
    at += chunk.length;
  }
  if (at !== size) throw new UserError(`${label}: truncated archive member`);
  return bytes;
}

/** True when a segment of the path (other than "." and "..") starts with a dot. */
function isHidden(path: string): boolean {
  return path.split("/").some((segment) =>
    segment.startsWith(".") && segment !== "." && segment !== ".."
  );
}
