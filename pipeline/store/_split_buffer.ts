import type { TokenArray } from "./_layout.ts";
import type { SplitResume, SplitTotals } from "./store_attributes.ts";
import type { StoreLayout } from "./_layout.ts";
import type { Split } from "./split_hash.ts";

/** A chunk of an array, complete and ready to be written as chunk `index`. */
export interface ReadyChunk<T> {
  index: number;
  values: T;
}

/** A document a resumed run may have to start from: where it is and what precedes it. */
interface Boundary {
  /** Index of the document within the split. */
  document: number;
  /** Its input position (or the position after the previous document of the split). */
  inputIndex: number;
  /** Token index where it starts. */
  start: number;
  /** UTF-8 bytes of the split's documents before it. */
  bytesBefore: number;
}

/** The state of a split with nothing written yet. */
export function emptyResume(): SplitResume {
  return {
    token_chunks: 0,
    offset_chunks: 0,
    next_document: 0,
    next_input_index: 0,
    next_document_start: 0,
    bytes_before: 0,
  };
}

/**
 * Assembles one split's documents into fixed-size chunks of tokens and of document offsets, in
 * memory. Completed chunks are handed out by `takeReady`; `resumePoint` says what to record in the
 * journal once they are on disk. Started from a resume point, it expects the documents from
 * `next_document` on and silently drops the tokens and offsets already on disk.
 */
export class SplitBuffer {
  readonly split: Split;
  readonly #layout: StoreLayout;
  readonly #tokens: TokenArray;
  #tokenFill = 0;
  #tokenChunks: number;
  readonly #offsets: Float64Array;
  #offsetFill = 0;
  #offsetChunks: number;
  #position: number;
  #documents: number;
  #bytes: number;
  // The first document not wholly inside the complete token chunks, and the first whose offset is
  // not inside a complete offset chunk: the resume point is the earlier of the two. They change
  // only when a chunk completes, so nothing is kept per document.
  #tokenBoundary: Boundary;
  #offsetBoundary: Boundary;
  #readyTokens: ReadyChunk<TokenArray>[] = [];
  #readyOffsets: ReadyChunk<Float64Array>[] = [];

  constructor(split: Split, layout: StoreLayout, resume: SplitResume) {
    this.split = split;
    this.#layout = layout;
    this.#tokens = layout.dtype === "uint16"
      ? new Uint16Array(layout.chunkTokens)
      : new Uint32Array(layout.chunkTokens);
    this.#offsets = new Float64Array(layout.offsetsChunk);
    this.#tokenChunks = resume.token_chunks;
    this.#offsetChunks = resume.offset_chunks;
    this.#position = resume.next_document_start;
    this.#documents = resume.next_document;
    this.#bytes = resume.bytes_before;
    this.#tokenBoundary = {
      document: resume.next_document,
      inputIndex: resume.next_input_index,
      start: resume.next_document_start,
      bytesBefore: resume.bytes_before,
    };
    this.#offsetBoundary = this.#tokenBoundary;
  }

  /** Appends a document's tokens followed by `eotId`; `inputIndex` is its position in the input. */
  add(tokens: TokenArray, eotId: number, inputIndex: number, utf8Bytes: number): void {
    // Plain locals, no objects: this runs once per document.
    const document = this.#documents;
    const start = this.#position;
    const bytesBefore = this.#bytes;
    const length = tokens.length + 1; // with the end-of-text token
    this.#position += length;
    this.#documents++;
    this.#bytes += utf8Bytes;

    if (document >= this.#offsetChunks * this.#layout.offsetsChunk + this.#offsetFill) {
      this.#offsets[this.#offsetFill++] = start;
      if (this.#offsetFill === this.#offsets.length) {
        this.#readyOffsets.push({ index: this.#offsetChunks++, values: this.#offsets.slice() });
        this.#offsetFill = 0;
        this.#offsetBoundary = this.#nextBoundary(inputIndex);
      }
    }

    // After a resume the head of this document may already be on disk: skip those tokens.
    const written = this.#tokenChunks * this.#layout.chunkTokens + this.#tokenFill;
    let from = written > start ? written - start : 0;
    let chunkEndedAt = -1;
    while (from < length) {
      if (from < tokens.length) {
        const take = Math.min(tokens.length - from, this.#tokens.length - this.#tokenFill);
        this.#tokens.set(
          from === 0 && take === tokens.length ? tokens : tokens.subarray(from, from + take),
          this.#tokenFill,
        );
        this.#tokenFill += take;
        from += take;
      } else {
        this.#tokens[this.#tokenFill++] = eotId;
        from++;
      }
      if (this.#tokenFill === this.#tokens.length) {
        this.#readyTokens.push({ index: this.#tokenChunks++, values: this.#tokens.slice() });
        this.#tokenFill = 0;
        chunkEndedAt = from;
      }
    }
    if (chunkEndedAt >= 0) {
      this.#tokenBoundary = chunkEndedAt === length
        ? this.#nextBoundary(inputIndex)
        : { document, inputIndex, start, bytesBefore };
    }
  }

  /** The boundary just after the last document added (input position `inputIndex`). */
  #nextBoundary(inputIndex: number): Boundary {
    return {
      document: this.#documents,
      inputIndex: inputIndex + 1,
      start: this.#position,
      bytesBefore: this.#bytes,
    };
  }

  /** Whether complete chunks wait to be written. */
  get hasReady(): boolean {
    return this.#readyTokens.length > 0 || this.#readyOffsets.length > 0;
  }

  /** Hands out the complete chunks (token shards and offset chunks) and forgets them. */
  takeReady(): { tokens: ReadyChunk<TokenArray>[]; offsets: ReadyChunk<Float64Array>[] } {
    const ready = { tokens: this.#readyTokens, offsets: this.#readyOffsets };
    this.#readyTokens = [];
    this.#readyOffsets = [];
    return ready;
  }

  /**
   * The resume point once every chunk handed out so far is on disk: the first document whose
   * tokens end past the last complete token chunk or whose offset is past the last complete offset
   * chunk, whichever comes first.
   */
  resumePoint(): SplitResume {
    const first = this.#tokenBoundary.document <= this.#offsetBoundary.document
      ? this.#tokenBoundary
      : this.#offsetBoundary;
    return {
      token_chunks: this.#tokenChunks,
      offset_chunks: this.#offsetChunks,
      next_document: first.document,
      next_input_index: first.inputIndex,
      next_document_start: first.start,
      bytes_before: first.bytesBefore,
    };
  }

  /** The partial last chunks, to write when the input ends. */
  tail(): { tokens: ReadyChunk<TokenArray>; offsets: ReadyChunk<Float64Array> } {
    return {
      tokens: { index: this.#tokenChunks, values: this.#tokens.subarray(0, this.#tokenFill) },
      offsets: { index: this.#offsetChunks, values: this.#offsets.subarray(0, this.#offsetFill) },
    };
  }

  /** Tokens, documents and text bytes added so far (including those before a resume). */
  totals(): SplitTotals {
    return { tokens: this.#position, documents: this.#documents, bytes: this.#bytes };
  }
}
