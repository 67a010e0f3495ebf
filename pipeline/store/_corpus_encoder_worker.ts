/// <reference lib="deno.worker" />
/**
 * A Worker of `CorpusEncoder` (runs on an encoder Worker): takes tasks (a part of the source or an archive member to read
 * here, or texts the main thread read), and for every document computes its split from its
 * content hash and, unless a resumed store already holds it, its ids. Results go back in batches, in document order, each
 * with its buffers transferred. A worker with `WINDOW` batches not yet taken by the main thread
 * waits: memory stays bounded whatever the part sizes.
 */
import { Tokenizer } from "../bpe/tokenizer.ts";
import { readMember, readPart } from "../sources/read_part.ts";
import type { ArchiveMember, ReadStats, SourcePart } from "../sources/types.ts";
import { UserError } from "../../core/user_error.ts";
import type { TokenArray } from "./_layout.ts";
import type { TokenDtype } from "./store_attributes.ts";
import { hashDocument, type Split, splitOf } from "./split_hash.ts";

/** What every task of a run shares. */
export interface EncoderSettings {
  tokenizerJson: string;
  valFraction: number;
  splitLines: boolean;
  /** The store's element type: ids come back in it, ready to copy into a chunk. */
  dtype: TokenDtype;
}

/** What some documents of the input held: their number, input bytes and U+FFFD substitutions. */
export interface InputCounts {
  documents: number;
  inputBytes: number;
  invalidUtf8: number;
}

/**
 * A unit of work: a part of the source to read here, an archive member the main thread handed
 * over, or documents it read itself (with the substitutions it made reading each). `start` is the
 * input index of the first document when known; a document at index i of split s is encoded when
 * i >= needsFrom[s] (a resumed store holds the ones before), and every document of a task without
 * a start is. "count" only counts a part's documents.
 *
 * `before` (read by the main thread, not here) counts the documents a resumed pass passed over
 * just before this task: they travel with the task so that the pass's counts are what it takes
 * back. `invalidAfter`: substitutions read after the last document of the input.
 */
export type EncoderTask =
  | {
    kind: "part";
    part: SourcePart;
    start: number | null;
    needsFrom: Record<Split, number>;
    before?: InputCounts;
  }
  | {
    kind: "member";
    member: ArchiveMember;
    start: number | null;
    needsFrom: Record<Split, number>;
    before?: InputCounts;
  }
  | {
    kind: "texts";
    texts: string[];
    invalidUtf8: number[];
    start: number | null;
    needsFrom: Record<Split, number>;
    before?: InputCounts;
    invalidAfter?: number;
  }
  | { kind: "count"; part: SourcePart };

/** Messages the main thread sends. */
export type EncoderWorkerRequest =
  | { type: "init"; settings: EncoderSettings }
  | { type: "task"; id: number; task: EncoderTask }
  | { type: "ack" };

/**
 * A batch of a task's documents `[first, first + documents)` (local indices). Of those, the ones
 * to write are listed: `local[k]`, `split[k]` (0 train, 1 val), `utf8Bytes[k]` and ids
 * `ids[offsets[k], offsets[k + 1])`. `invalidUtf8[d]` counts the U+FFFD substitutions made
 * reading document `first + d`; `inputBytes` the input consumed. The last batch of a task has
 * `last` set and `invalidAfter`, substitutions read after its last document.
 */
export interface EncodedBatch {
  id: number;
  first: number;
  documents: number;
  local: Uint32Array<ArrayBuffer>;
  split: Uint8Array<ArrayBuffer>;
  utf8Bytes: Float64Array<ArrayBuffer>;
  ids: TokenArray;
  offsets: Float64Array<ArrayBuffer>;
  invalidUtf8: Uint32Array<ArrayBuffer>;
  inputBytes: number;
  last: boolean;
  invalidAfter: number;
}

/** Replies: a batch, or the task's failure (reading it, or the worker itself). */
export type EncoderWorkerResponse =
  | { type: "batch"; batch: EncodedBatch }
  | { type: "error"; id: number; message: string; userError: boolean };

/** Batches a worker may have sent and the main thread not yet taken. */
export const WINDOW = 4;
/** Text per batch: large enough to amortise messaging, small enough to keep memory low. */
const BATCH_CHARACTERS = 256 * 1024;
const BATCH_DOCUMENTS = 4096;

let settings: EncoderSettings | undefined;
let tokenizer: Tokenizer | undefined;
let unacked = 0;
let wakeOnAck: (() => void) | undefined;
let queue: Promise<void> = Promise.resolve();

self.onmessage = (event: MessageEvent<EncoderWorkerRequest>) => {
  const message = event.data;
  if (message.type === "init") {
    settings = message.settings;
    tokenizer = Tokenizer.fromJson(settings.tokenizerJson);
  } else if (message.type === "ack") {
    unacked--;
    wakeOnAck?.();
  } else {
    // Tasks run one after the other, in the order they came.
    queue = queue.then(() => runTask(message.id, message.task));
  }
};

async function runTask(id: number, task: EncoderTask): Promise<void> {
  try {
    await (task.kind === "texts" ? encodeTexts(id, task) : readAndEncode(id, task));
  } catch (error) {
    self.postMessage(
      {
        type: "error",
        id,
        message: (error as Error).message,
        userError: error instanceof UserError,
      } satisfies EncoderWorkerResponse,
    );
  }
}

/** Collects the documents of a task into batches and sends them. */
class BatchBuilder {
  #first = 0;
  #documents = 0;
  #characters = 0;
  #local: number[] = [];
  #split: number[] = [];
  #utf8: number[] = [];
  #texts: string[] = [];
  #invalid: number[] = [];
  #inputBytes = 0;

  /** `stats`: the counters of the part being read (its input bytes go with each batch). */
  constructor(
    readonly id: number,
    readonly start: number | null,
    readonly needsFrom: Record<Split, number>,
    readonly stats: ReadStats,
  ) {}

  /** Adds document `local` of the task: hashed, and kept to encode when the store needs it. */
  async add(text: string, invalidUtf8: number): Promise<void> {
    const local = this.#first + this.#documents++;
    this.#invalid.push(invalidUtf8);
    const { hash, utf8Bytes } = hashDocument(text);
    const split = splitOf(hash, settings!.valFraction);
    if (this.start === null || this.start + local >= this.needsFrom[split]) {
      this.#local.push(local);
      this.#split.push(split === "val" ? 1 : 0);
      this.#utf8.push(utf8Bytes);
      this.#texts.push(text);
      this.#characters += text.length;
    }
    if (this.#characters >= BATCH_CHARACTERS || this.#documents >= BATCH_DOCUMENTS) {
      await this.send(false, 0);
    }
  }

  /** Counts a document without looking at it (count tasks). */
  async count(invalidUtf8: number): Promise<void> {
    this.#documents++;
    this.#invalid.push(invalidUtf8);
    if (this.#documents >= BATCH_DOCUMENTS) await this.send(false, 0);
  }

  /** Sends what is collected (`last`: the task's final batch) and waits if the window is full. */
  async send(last: boolean, invalidAfter: number): Promise<void> {
    const inputBytes = this.stats.inputBytes;
    const encoded = tokenizer!.encodeConcatenated(this.#texts);
    const ids = settings!.dtype === "uint16" ? new Uint16Array(encoded.ids) : encoded.ids;
    const offsets = encoded.offsets;
    const batch: EncodedBatch = {
      id: this.id,
      first: this.#first,
      documents: this.#documents,
      local: Uint32Array.from(this.#local),
      split: Uint8Array.from(this.#split),
      utf8Bytes: Float64Array.from(this.#utf8),
      ids,
      offsets,
      invalidUtf8: Uint32Array.from(this.#invalid),
      inputBytes: inputBytes - this.#inputBytes,
      last,
      invalidAfter,
    };
    this.#inputBytes = inputBytes;
    this.#first += this.#documents;
    this.#documents = this.#characters = 0;
    this.#local = [];
    this.#split = [];
    this.#utf8 = [];
    this.#texts = [];
    this.#invalid = [];
    const buffers = [batch.local, batch.split, batch.utf8Bytes, ids, offsets, batch.invalidUtf8];
    self.postMessage(
      { type: "batch", batch } satisfies EncoderWorkerResponse,
      buffers.map((array) => array.buffer as ArrayBuffer),
    );
    unacked++;
    while (unacked >= WINDOW) await new Promise<void>((resolve) => wakeOnAck = resolve);
  }
}

function newStats(): ReadStats {
  return { documents: 0, inputBytes: 0, textBytes: 0, invalidUtf8: 0 };
}

async function encodeTexts(id: number, task: EncoderTask & { kind: "texts" }): Promise<void> {
  const builder = new BatchBuilder(id, task.start, task.needsFrom, newStats());
  for (const [d, text] of task.texts.entries()) await builder.add(text, task.invalidUtf8[d]);
  await builder.send(true, task.invalidAfter ?? 0);
}

async function readAndEncode(
  id: number,
  task: Exclude<EncoderTask, { kind: "texts" }>,
): Promise<void> {
  const stats = newStats();
  const builder = task.kind === "count"
    ? new BatchBuilder(id, null, { train: 0, val: 0 }, stats)
    : new BatchBuilder(id, task.start, task.needsFrom, stats);
  const context = { stats, splitLines: settings!.splitLines };
  const documents = task.kind === "member"
    ? readMember(task.member, context)
    : readPart(task.part, context);
  let invalidBefore = 0;
  for await (const text of documents) {
    // A reader counts a document's substitutions before it yields the document.
    const invalid = stats.invalidUtf8 - invalidBefore;
    invalidBefore = stats.invalidUtf8;
    if (task.kind === "count") await builder.count(invalid);
    else await builder.add(text, invalid);
  }
  await builder.send(true, stats.invalidUtf8 - invalidBefore);
}
