import { TOOLKIT_VERSION } from "../../core/version.ts";
import { UserError } from "../../core/user_error.ts";
import { openStorage, type StoreStorage } from "./_storage.ts";
import { checkChunksOnDisk, neededFrom } from "./_resume.ts";
import { type ChunkToWrite, ChunkWriter } from "./_chunk_writer.ts";
import { emptyResume, type ReadyChunk, SplitBuffer } from "./_split_buffer.ts";
import { type Split, SPLITS } from "./split_hash.ts";
import {
  type InputRecord,
  type RunArguments,
  SPLIT_RULE,
  type SplitResume,
  type SplitTotals,
  type StoreAttributes,
} from "./store_attributes.ts";
import {
  chunkKey,
  dtypeForVocab,
  STORE_FORMAT,
  type StoreLayout,
  storeLayout,
  type TokenArray,
} from "./_layout.ts";
import {
  readStoreAttributes,
  writeGroupMetadata,
  writeOffsetsMetadata,
  writeTokensMetadata,
} from "./_metadata.ts";

/** Most input files listed in the root attributes (`inputs_total` counts them all). */
const MAX_LISTED_INPUTS = 1000;

/** What a new store records before any token is written. */
export interface NewStore {
  run: RunArguments;
  inputs: InputRecord[];
  chunkTokens: number;
  innerChunkTokens: number;
  valFraction: number;
}

/** The tokenizer a store is written with. */
export interface RecordedTokenizer {
  sha256: string;
  vocabSize: number;
  eotId: number;
}

/**
 * Writes a token store and its resume journal. Every complete chunk is written atomically and then
 * the journal (the root group's attributes) is rewritten atomically to point past it: whatever
 * moment the process dies, the store on disk is the state of the last journal write, and a new
 * writer opened on it continues from there. Chunks are compressed and written on a Worker
 * (`ChunkWriter`), in order, while this thread goes on assembling the next ones. Call `close()`
 * when done with a writer that did not `finish()`.
 */
export class StoreWriter {
  readonly path: string;
  readonly #storage: StoreStorage;
  #attributes: StoreAttributes;
  #layout: StoreLayout | null = null;
  #buffers: Record<Split, SplitBuffer> | null = null;
  #commits = 0;
  #chunkWriter: ChunkWriter | undefined;
  #startedFrom: Record<Split, SplitResume> | null = null;

  private constructor(path: string, attributes: StoreAttributes) {
    this.path = path;
    this.#storage = openStorage(path);
    this.#attributes = attributes;
    if (attributes.dtype && attributes.resume) this.#startBuffers(attributes.resume);
  }

  /** Creates the store's root group; the arrays come with the tokenizer (`setTokenizer`). */
  static async create(path: string, init: NewStore): Promise<StoreWriter> {
    const zeros = { tokens: 0, documents: 0, bytes: 0 };
    const writer = new StoreWriter(path, {
      format: STORE_FORMAT,
      complete: false,
      vocab_size: null,
      eot_id: null,
      dtype: null,
      tokenizer_sha256: null,
      splits: { train: { ...zeros }, val: { ...zeros } },
      inputs: init.inputs.slice(0, MAX_LISTED_INPUTS),
      inputs_total: {
        files: init.inputs.length,
        bytes: init.inputs.reduce((sum, input) => sum + input.bytes, 0),
      },
      invalid_utf8: 0,
      toolkit_version: TOOLKIT_VERSION,
      created_at: new Date().toISOString(),
      completed_at: null,
      chunk_tokens: init.chunkTokens,
      inner_chunk_tokens: init.innerChunkTokens,
      doc_offsets_chunk: 0,
      val_fraction: init.valFraction,
      split_rule: SPLIT_RULE,
      run: init.run,
      resume: null,
    });
    await writer.#commit();
    return writer;
  }

  /** Opens an existing store to continue it; a `UserError` if it is not one of ours or damaged. */
  static async open(path: string): Promise<StoreWriter> {
    const attributes = await readStoreAttributes(openStorage(path));
    const writer = new StoreWriter(path, attributes);
    await checkChunksOnDisk(path, writer.#storage, attributes.resume);
    return writer;
  }

  /** The root attributes as last committed, or queued for commit (see `add`). */
  get attributes(): StoreAttributes {
    return this.#attributes;
  }

  /** What each split holds so far, chunks not yet complete included. */
  totals(): Record<Split, SplitTotals> {
    const buffers = this.#buffers;
    if (!buffers) return this.#attributes.splits;
    return { train: buffers.train.totals(), val: buffers.val.totals() };
  }

  /** Journal commits queued so far by this writer (each one a point a crash resumes from). */
  get commits(): number {
    return this.#commits;
  }

  /** Records the tokenizer and creates the groups and the (empty) arrays. */
  async setTokenizer(tokenizer: RecordedTokenizer): Promise<void> {
    if (tokenizer.vocabSize > 2 ** 32) {
      throw new UserError(`vocabulary of ${tokenizer.vocabSize} ids does not fit in uint32`);
    }
    const dtype = dtypeForVocab(tokenizer.vocabSize);
    const { chunk_tokens: chunkTokens, inner_chunk_tokens: inner } = this.#attributes;
    const layout = storeLayout(dtype, chunkTokens, inner);
    // Independent files: their fsyncs overlap.
    await Promise.all(SPLITS.flatMap((split) => [
      writeGroupMetadata(this.#storage, `/${split}`),
      writeTokensMetadata(this.#storage, split, 0, layout),
      writeOffsetsMetadata(this.#storage, split, 0, layout),
    ]));
    this.#attributes = {
      ...this.#attributes,
      vocab_size: tokenizer.vocabSize,
      eot_id: tokenizer.eotId,
      dtype,
      tokenizer_sha256: tokenizer.sha256,
      doc_offsets_chunk: layout.offsetsChunk,
      resume: { train: emptyResume(), val: emptyResume() },
    };
    this.#startBuffers(this.#attributes.resume!);
    await this.#commit();
  }

  /**
   * Per split, the input position from which documents must still be added: earlier ones are on
   * disk (a resumed pass skips them); 0 for a new store.
   */
  neededFrom(): Record<Split, number> {
    return neededFrom(this.#startedFrom!);
  }

  /**
   * Appends a document (its tokens; `<|endoftext|>` is added) to `split`. When that completes a
   * chunk, the chunk and then a journal commit pointing past it are queued for writing on the
   * Worker, and `add` returns true: the caller then awaits `settle()` (backpressure). `drain()`
   * waits until everything queued is on disk. A failed write is thrown by a later call.
   */
  add(split: Split, tokens: TokenArray, inputIndex: number, utf8Bytes: number): boolean {
    const buffers = this.#buffers!;
    const buffer = buffers[split];
    buffer.add(tokens, this.#attributes.eot_id!, inputIndex, utf8Bytes);
    if (!buffer.hasReady) return false;
    const ready = buffer.takeReady();
    this.#attributes = {
      ...this.#attributes,
      splits: { train: buffers.train.totals(), val: buffers.val.totals() },
      resume: {
        train: buffers.train.resumePoint(),
        val: buffers.val.resumePoint(),
      },
    };
    this.#writer().write(this.#chunks(split, ready.tokens, ready.offsets), { ...this.#attributes });
    this.#commits++;
    return true;
  }

  /** Waits while too many writes are queued; rethrows a write failure. */
  async settle(): Promise<void> {
    await this.#chunkWriter?.settle();
  }

  /** Waits until every queued chunk and commit is on disk (rethrows a write failure). */
  async drain(): Promise<void> {
    await this.#chunkWriter?.drain();
  }

  /** Stops the chunk-writing Worker; queued writes not yet done are dropped (still resumable). */
  close(): void {
    this.#chunkWriter?.close();
  }

  /** Writes the partial last chunks, the arrays' final lengths and marks the store complete. */
  async finish(invalidUtf8: number): Promise<StoreAttributes> {
    const buffers = this.#buffers!;
    for (const split of SPLITS) {
      const tail = buffers[split].tail();
      const copy = <T extends TokenArray | Float64Array>(chunk: ReadyChunk<T>) =>
        chunk.values.length ? [{ index: chunk.index, values: chunk.values.slice() as T }] : [];
      this.#writer().write(this.#chunks(split, copy(tail.tokens), copy(tail.offsets)));
    }
    await this.drain();
    this.close();
    await Promise.all(SPLITS.flatMap((split) => {
      const totals = buffers[split].totals();
      return [
        writeTokensMetadata(this.#storage, split, totals.tokens, this.#layout!),
        writeOffsetsMetadata(this.#storage, split, totals.documents, this.#layout!),
      ];
    }));
    this.#attributes = {
      ...this.#attributes,
      complete: true,
      splits: { train: buffers.train.totals(), val: buffers.val.totals() },
      invalid_utf8: invalidUtf8,
      completed_at: new Date().toISOString(),
      resume: null,
    };
    await this.#commit();
    return this.#attributes;
  }

  #writer(): ChunkWriter {
    // Two Workers: compression is the writer's costliest part, and chunks are independent.
    this.#chunkWriter ??= new ChunkWriter(this.path, this.#layout!, 2);
    return this.#chunkWriter;
  }

  #startBuffers(resume: Record<Split, SplitResume>): void {
    const attributes = this.#attributes;
    this.#startedFrom = resume;
    this.#layout = storeLayout(
      attributes.dtype!,
      attributes.chunk_tokens,
      attributes.inner_chunk_tokens,
    );
    this.#buffers = {
      train: new SplitBuffer("train", this.#layout, resume.train),
      val: new SplitBuffer("val", this.#layout, resume.val),
    };
  }

  /** The write requests of a split's complete chunks (their buffers will be transferred). */
  #chunks(
    split: Split,
    tokens: ReadyChunk<TokenArray>[],
    offsets: ReadyChunk<Float64Array>[],
  ): ChunkToWrite[] {
    return [
      ...tokens.map((chunk): ChunkToWrite => ({
        key: chunkKey(split, "tokens", chunk.index),
        array: "tokens",
        values: chunk.values,
      })),
      ...offsets.map((chunk): ChunkToWrite => ({
        key: chunkKey(split, "doc_offsets", chunk.index),
        array: "doc_offsets",
        values: chunk.values,
      })),
    ];
  }

  async #commit(): Promise<void> {
    await writeGroupMetadata(this.#storage, "/", { ...this.#attributes });
    this.#commits++;
  }
}
