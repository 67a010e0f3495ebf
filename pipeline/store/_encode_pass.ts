/**
 * The encoding pass of `tokenizeCorpus`: every document of the source, in input order, hashed to
 * its split, encoded and appended to the store, by a `CorpusEncoder` of `workers` Workers.
 */
import { isCompressedName } from "../sources/mod.ts";
import type { DocumentSource, SourcePart } from "../sources/types.ts";
import { CorpusEncoder, type EncodedBatch, type EncoderTask } from "./_corpus_encoder.ts";
import { type Split, SPLITS } from "./split_hash.ts";
import type { StoreWriter } from "./_store_writer.ts";

/** How the pass runs. */
export interface EncodePassOptions {
  /** Stop after this many documents of the input (Infinity: all). */
  maxDocs: number;
  /** Stop after the next journal commit. */
  signal?: AbortSignal;
  /** Called after every batch and every commit. */
  onProgress?: (progress: { documents: number; inputBytes: number }) => void;
}

/** What the pass did. */
export interface EncodePassResult {
  /** False when the signal stopped it (right after a commit). */
  finished: boolean;
  /** Documents of the input read, the skipped ones of a resumed store included. */
  documents: number;
  /** U+FFFD substitutions made reading them. */
  invalidUtf8: number;
  /** "parts": the Workers read the source's parts themselves; "stream": this thread reads it. */
  reading: "parts" | "stream";
}

/** Text per task when this thread reads: large enough to amortise messaging. */
const TASK_CHARACTERS = 256 * 1024;
const TASK_DOCUMENTS = 4096;

/**
 * Whether Workers should read the parts themselves: then reading scales with the workers too.
 * Only when the parts are many and none is large (a part is read by one worker, and the ones after
 * it wait for it in the output order); a single file is read here and only encoding is parallel.
 */
function readsParts(parts: SourcePart[], workers: number): boolean {
  const sizes = parts.map((part) => part.kind === "file" ? part.file.bytes : part.bytes);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  return parts.length >= 2 * workers && Math.max(...sizes) <= total / (2 * workers);
}

/**
 * Encodes the documents `writer` still needs and appends them in input order. A resumed store's
 * documents are skipped: parts wholly before its resume point are only counted (by the Workers,
 * in parallel), not encoded.
 */
export async function encodePass(
  source: DocumentSource,
  writer: StoreWriter,
  encoder: CorpusEncoder,
  options: EncodePassOptions,
): Promise<EncodePassResult> {
  const needsFrom = writer.neededFrom();
  const reading = readsParts(source.parts, encoder.size) ? "parts" : "stream";
  let tasks: (AsyncIterable<EncoderTask> | Iterable<EncoderTask>) & { tally: Tally };
  let inputBytes: () => number;
  const until = Math.max(needsFrom.train, needsFrom.val);
  try {
    if (reading === "stream") {
      tasks = streamTasks(source, needsFrom, options.maxDocs, options.signal);
      inputBytes = () => source.stats.inputBytes;
    } else {
      const counts = await countPrefix(encoder, source.parts, until, options.signal);
      tasks = partTasks(source.parts, counts, needsFrom);
      inputBytes = () => tasks.tally.inputBytes;
    }
    const finished = await append(encoder, tasks, writer, needsFrom, options, inputBytes);
    const { documents, invalidUtf8 } = tasks.tally;
    return { finished, documents: Math.min(documents, options.maxDocs), invalidUtf8, reading };
  } catch (error) {
    if (!(error instanceof StoppedWhileSkipping)) throw error;
    return { finished: false, documents: 0, invalidUtf8: 0, reading };
  }
}

/**
 * The signal fired while a resumed run was still passing over what the store holds: nothing is in
 * hand, so it stops at once instead of at the next commit.
 */
class StoppedWhileSkipping extends Error {}

/**
 * What a pass has read: documents (the input index past the last one), input bytes (the parts
 * path; the stream path's source counts its own) and U+FFFD substitutions, of the documents
 * skipped before the tasks and then of every batch taken.
 */
interface Tally {
  documents: number;
  inputBytes: number;
  invalidUtf8: number;
}

function newTally(): Tally {
  return { documents: 0, inputBytes: 0, invalidUtf8: 0 };
}

/**
 * Takes the batches of `tasks` in order and appends their documents, counting them into
 * `tasks.tally`. Returns false when the signal stopped it after a commit.
 */
async function append(
  encoder: CorpusEncoder,
  tasks: (AsyncIterable<EncoderTask> | Iterable<EncoderTask>) & { tally: Tally },
  writer: StoreWriter,
  needsFrom: Record<Split, number>,
  options: EncodePassOptions,
  inputBytes: () => number,
): Promise<boolean> {
  const tally = tasks.tally;
  let base = 0; // input index of the current task's first document
  let next = 0; // input index after the last document taken
  const report = () => options.onProgress?.({ documents: next, inputBytes: inputBytes() });
  for await (const { task, batch } of encoder.run(tasks)) {
    // A task without a start begins where the ones before it ended.
    if (batch.first === 0) base = ("start" in task ? task.start : null) ?? tally.documents;
    const end = Math.min(base + batch.first + batch.documents, options.maxDocs);
    countBatch(batch, base, end, tally);
    for (let k = 0; k < batch.local.length; k++) {
      const index = base + batch.local[k];
      if (index >= options.maxDocs) break;
      const split = SPLITS[batch.split[k]];
      if (index < needsFrom[split]) continue; // on disk already (a task that could not know)
      const tokens = batch.ids.subarray(batch.offsets[k], batch.offsets[k + 1]);
      if (writer.add(split, tokens, index, batch.utf8Bytes[k])) {
        await writer.settle();
        next = index + 1;
        report();
        if (options.signal?.aborted) {
          await writer.drain(); // the chunk in hand and its commit reach the disk
          return false;
        }
      }
    }
    next = end;
    report();
    if (end >= options.maxDocs) return true;
  }
  return true;
}

/** Adds a batch's documents below `end` (input index) to `tally`. */
function countBatch(batch: EncodedBatch, base: number, end: number, tally: Tally): void {
  const first = base + batch.first;
  for (let d = 0; d < batch.documents && first + d < end; d++) {
    tally.invalidUtf8 += batch.invalidUtf8[d];
  }
  tally.documents = Math.max(tally.documents, end);
  if (first + batch.documents <= end) {
    tally.inputBytes += batch.inputBytes;
    if (batch.last) tally.invalidUtf8 += batch.invalidAfter;
  }
}

/** Largest archive member handed to a worker whole (it is held in memory). */
const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/**
 * The stream path's tasks: documents read here, in tasks of about `TASK_CHARACTERS`, from the
 * first input index a split still needs (the ones before are on disk in both) up to `maxDocs`.
 * Past every resume point, a compressed archive member (OpenWebText's `urlsf_*.xz`) is handed to
 * a worker whole, undecoded, so decompression runs on the workers too; the documents after it then
 * have no known input index here, and the tasks carry none.
 */
function streamTasks(
  source: DocumentSource,
  needsFrom: Record<Split, number>,
  maxDocs: number,
  signal?: AbortSignal,
): AsyncIterable<EncoderTask> & { tally: Tally } {
  const tally = newTally();
  const from = Math.min(needsFrom.train, needsFrom.val);
  const until = Math.max(needsFrom.train, needsFrom.val);
  return {
    tally,
    async *[Symbol.asyncIterator]() {
      let counted = 0; // documents read here: their input index while `exact`
      let exact = true;
      let attributed = 0; // substitutions of the documents read so far
      let texts: string[] = [];
      let invalid: number[] = [];
      let characters = 0;
      let start: number | null = 0;
      const task = (): EncoderTask => {
        const made: EncoderTask = { kind: "texts", texts, invalidUtf8: invalid, start, needsFrom };
        texts = [];
        invalid = [];
        characters = 0;
        return made;
      };
      const delegate = (name: string, size: number) =>
        counted >= until && size <= MAX_MEMBER_BYTES && isCompressedName(name);
      let cut = false;
      for await (const item of source.items(delegate)) {
        if (typeof item !== "string") {
          if (texts.length) yield task();
          yield { kind: "member", member: item, start: exact ? counted : null, needsFrom };
          exact = false;
          continue;
        }
        if (exact && counted >= maxDocs) {
          cut = true;
          break;
        }
        const index = counted++;
        const substitutions = source.stats.invalidUtf8 - attributed;
        attributed = source.stats.invalidUtf8;
        if (exact && index < from) {
          if (signal?.aborted) throw new StoppedWhileSkipping();
          tally.documents = index + 1;
          tally.invalidUtf8 += substitutions;
          continue;
        }
        if (!texts.length) start = exact ? index : null;
        texts.push(item);
        invalid.push(substitutions);
        characters += item.length;
        if (characters >= TASK_CHARACTERS || texts.length >= TASK_DOCUMENTS) yield task();
      }
      if (texts.length) yield task();
      if (!cut) tally.invalidUtf8 += source.stats.invalidUtf8 - attributed; // after the last one
    },
  };
}

/** Documents, input bytes and substitutions of each of the first parts. */
type PartCounts = Tally[];

/**
 * A resumed store: the counts of the first parts, up to the one holding input index `until - 1`
 * (so every part after them starts at or past `until`, where both splits need every document).
 */
async function countPrefix(
  encoder: CorpusEncoder,
  parts: SourcePart[],
  until: number,
  signal?: AbortSignal,
): Promise<PartCounts> {
  const counts: PartCounts = [];
  if (until === 0) return counts;
  let total = 0;
  let current = newTally();
  const tasks = parts.map((part): EncoderTask => ({ kind: "count", part }));
  for await (const { batch } of encoder.run(tasks)) {
    if (signal?.aborted) throw new StoppedWhileSkipping();
    current.documents += batch.documents;
    current.inputBytes += batch.inputBytes;
    for (const invalid of batch.invalidUtf8) current.invalidUtf8 += invalid;
    if (!batch.last) continue;
    current.invalidUtf8 += batch.invalidAfter;
    counts.push(current);
    total += current.documents;
    current = newTally();
    if (total >= until) break;
  }
  return counts;
}

/**
 * The parts path's tasks: a part whose documents all lie before the first index a split needs
 * (counted by `countPrefix`) is skipped, and its counts go straight to the tally; the others are
 * read by a worker, with their start when it is known.
 */
function partTasks(
  parts: SourcePart[],
  counts: PartCounts,
  needsFrom: Record<Split, number>,
): Iterable<EncoderTask> & { tally: Tally } {
  const tally = newTally();
  const from = Math.min(needsFrom.train, needsFrom.val);
  return {
    tally,
    *[Symbol.iterator]() {
      let start = 0;
      for (const [k, part] of parts.entries()) {
        const count = counts[k];
        if (count && start + count.documents <= from) {
          tally.documents = start += count.documents;
          tally.inputBytes += count.inputBytes;
          tally.invalidUtf8 += count.invalidUtf8;
          continue;
        }
        // Past the counted parts, a start is known only for the first one.
        yield { kind: "part", part, start: k <= counts.length ? start : null, needsFrom };
        if (count) start += count.documents;
      }
    },
  };
}
