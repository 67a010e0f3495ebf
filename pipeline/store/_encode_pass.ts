/**
 * The encoding pass of `tokenizeCorpus` (main thread): every document of the source, in input
 * order, hashed to its split, encoded on the `CorpusEncoder`'s Workers and appended to the store.
 * The tasks are made here (this thread reads the stream, or the Workers read the parts), the
 * batches come back in task order, and `append` hands each document to the `StoreWriter`. What the
 * pass read is counted from the batches it takes back (and the counts a task carries of what a
 * resumed pass passed over before it) and returned.
 */
import { isCompressedName, type SourcePart } from "../sources/mod.ts";
import type { DocumentSource } from "../sources/mod.ts";
import type { CorpusEncoder } from "./_corpus_encoder.ts";
import type { EncodedBatch, EncoderTask, InputCounts } from "./_corpus_encoder_worker.ts";
import { countPrefix, isOnDisk, noCounts, partsBefore, StoppedWhileSkipping } from "./_resume.ts";
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
  const sizes = parts.map((part) => part.kind === "default-corpus" ? part.bytes : part.file.bytes);
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
  try {
    let tasks: AsyncIterable<EncoderTask> | Iterable<EncoderTask>;
    if (reading === "stream") {
      tasks = streamTasks(source, needsFrom, options.maxDocs, options.signal);
    } else {
      const until = Math.max(needsFrom.train, needsFrom.val);
      const counts = await countPrefix(encoder, source.parts, until, options.signal);
      tasks = partTasks(source.parts, counts, needsFrom);
    }
    // The stream path's source counts the bytes it reads; the parts path's come with the batches.
    const inputBytes = reading === "stream" ? () => source.stats.inputBytes : null;
    const { finished, counts } = await append(
      encoder,
      tasks,
      writer,
      needsFrom,
      options,
      inputBytes,
    );
    return {
      finished,
      documents: Math.min(counts.documents, options.maxDocs),
      invalidUtf8: counts.invalidUtf8,
      reading,
    };
  } catch (error) {
    if (!(error instanceof StoppedWhileSkipping)) throw error;
    return { finished: false, documents: 0, invalidUtf8: 0, reading };
  }
}

/**
 * Takes the batches of `tasks` in order and appends their documents. Returns whether it finished
 * (false: the signal stopped it after a commit) and the counts of what it took: documents (the
 * input index past the last one), input bytes and substitutions, of the documents passed over
 * before the tasks (`task.before`) and of every batch.
 */
async function append(
  encoder: CorpusEncoder,
  tasks: AsyncIterable<EncoderTask> | Iterable<EncoderTask>,
  writer: StoreWriter,
  needsFrom: Record<Split, number>,
  options: EncodePassOptions,
  inputBytes: (() => number) | null,
): Promise<{ finished: boolean; counts: InputCounts }> {
  const counts = noCounts();
  let base = 0; // input index of the current task's first document
  let next = 0; // input index after the last document taken
  const report = () =>
    options.onProgress?.({ documents: next, inputBytes: inputBytes?.() ?? counts.inputBytes });
  for await (const { task, batch } of encoder.run(tasks)) {
    if (batch.first === 0) {
      if ("before" in task && task.before) addCounts(counts, task.before);
      // A task without a start begins where the ones before it ended.
      base = ("start" in task ? task.start : null) ?? counts.documents;
    }
    const end = Math.min(base + batch.first + batch.documents, options.maxDocs);
    countBatch(batch, base, end, counts);
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
          return { finished: false, counts };
        }
      }
    }
    next = end;
    report();
    if (end >= options.maxDocs) return { finished: true, counts };
  }
  return { finished: true, counts };
}

/** Adds counts of documents passed over (they precede every document taken). */
function addCounts(counts: InputCounts, skipped: InputCounts): void {
  counts.documents = Math.max(counts.documents, skipped.documents);
  counts.inputBytes += skipped.inputBytes;
  counts.invalidUtf8 += skipped.invalidUtf8;
}

/** Adds a batch's documents below `end` (input index) to `counts`. */
function countBatch(batch: EncodedBatch, base: number, end: number, counts: InputCounts): void {
  const first = base + batch.first;
  for (let d = 0; d < batch.documents && first + d < end; d++) {
    counts.invalidUtf8 += batch.invalidUtf8[d];
  }
  counts.documents = Math.max(counts.documents, end);
  if (first + batch.documents <= end) {
    counts.inputBytes += batch.inputBytes;
    if (batch.last) counts.invalidUtf8 += batch.invalidAfter;
  }
}

/** Largest archive member handed to a worker whole (it is held in memory). */
const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/**
 * The stream path's tasks: documents read here, in tasks of about `TASK_CHARACTERS`, from the
 * first input index a split still needs (the ones before are on disk in both, and their counts go
 * with the first task) up to `maxDocs`. Past every resume point, a compressed archive member
 * (OpenWebText's `urlsf_*.xz`) is handed to a worker whole, undecoded, so decompression runs on
 * the workers too; the documents after it then have no known input index here, and the tasks
 * carry none. The substitutions read after the last document go with the last task (an empty one
 * if need be).
 */
async function* streamTasks(
  source: DocumentSource,
  needsFrom: Record<Split, number>,
  maxDocs: number,
  signal?: AbortSignal,
): AsyncGenerator<EncoderTask> {
  const until = Math.max(needsFrom.train, needsFrom.val);
  let counted = 0; // documents read here: their input index while `exact`
  let exact = true;
  let attributed = 0; // substitutions of the documents read so far
  let skipped = noCounts(); // documents passed over since the last task
  let texts: string[] = [];
  let invalid: number[] = [];
  let characters = 0;
  let start: number | null = 0;
  const task = (invalidAfter = 0): EncoderTask => {
    const made: EncoderTask = {
      kind: "texts",
      texts,
      invalidUtf8: invalid,
      // An empty task (counts only) starts where the input is.
      start: texts.length ? start : exact ? counted : null,
      needsFrom,
      before: skipped,
      invalidAfter,
    };
    texts = [];
    invalid = [];
    characters = 0;
    skipped = noCounts();
    return made;
  };
  const delegate = (name: string, size: number) =>
    counted >= until && size <= MAX_MEMBER_BYTES && isCompressedName(name);
  let cut = false;
  for await (const item of source.items(delegate)) {
    if (typeof item !== "string") {
      if (texts.length) yield task();
      const before = skipped;
      skipped = noCounts();
      yield { kind: "member", member: item, start: exact ? counted : null, needsFrom, before };
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
    if (exact && isOnDisk(index, needsFrom)) {
      if (signal?.aborted) throw new StoppedWhileSkipping();
      skipped.documents = index + 1;
      skipped.invalidUtf8 += substitutions;
      continue;
    }
    if (!texts.length) start = exact ? index : null;
    texts.push(item);
    invalid.push(substitutions);
    characters += item.length;
    if (characters >= TASK_CHARACTERS || texts.length >= TASK_DOCUMENTS) yield task();
  }
  const after = cut ? 0 : source.stats.invalidUtf8 - attributed;
  if (texts.length || skipped.documents || after) yield task(after);
}

/**
 * The parts path's tasks: the parts whose documents all lie before the first index a split needs
 * (`partsBefore`) are skipped, and their counts go with the first task (an empty one if no part
 * is left); the others are read by a worker, with their start when it is known.
 */
function partTasks(
  parts: SourcePart[],
  counts: InputCounts[],
  needsFrom: Record<Split, number>,
): EncoderTask[] {
  const skip = partsBefore(counts, needsFrom);
  const tasks: EncoderTask[] = [];
  let start = skip.counts.documents;
  for (let k = skip.parts; k < parts.length; k++) {
    // Past the counted parts, a start is known only for the first one.
    const known = k <= counts.length ? start : null;
    const before = k === skip.parts ? skip.counts : undefined;
    tasks.push({ kind: "part", part: parts[k], start: known, needsFrom, before });
    if (counts[k]) start += counts[k].documents;
  }
  if (!tasks.length) {
    tasks.push({
      kind: "texts",
      texts: [],
      invalidUtf8: [],
      start,
      needsFrom,
      before: skip.counts,
    });
  }
  return tasks;
}
