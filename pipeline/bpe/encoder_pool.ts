/**
 * Encodes batches of documents on several Workers (one per core is the usual choice), returning
 * each batch's results in input order.
 */
import type { EncoderRequest, EncoderResponse } from "./_encoder_worker.ts";
import { startWorker } from "../_module_worker.ts";

interface Pending {
  resolve: (response: { ids: Uint32Array; offsets: Float64Array }) => void;
  reject: (error: Error) => void;
}

/**
 * A pool of encoder Workers. Each batch is cut into one contiguous slice per worker (balanced by
 * text length), so all workers share every batch; several `encode` calls may be in flight at once.
 * Call `close()` when done: live Workers keep the process running.
 *
 * @example
 * ```ts
 * import { EncoderPool } from "./encoder_pool.ts";
 * import { trainBpe } from "./train.ts";
 * const tokenizer = await trainBpe(["first document", "second document"], { vocabSize: 300 });
 * const pool = new EncoderPool(tokenizer.toJson(), navigator.hardwareConcurrency);
 * const [first, second] = await pool.encode(["first document", "second document"]);
 * pool.close();
 * console.assert(first.length > 0 && second.length > 0);
 * ```
 */
export class EncoderPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  #failure: Error | undefined;

  /** Starts `workers` Workers, each with its own copy of the tokenizer given as tokenizer.json text. */
  constructor(tokenizerJson: string, workers: number) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`EncoderPool needs at least one worker, got ${workers}`);
    }
    for (let k = 0; k < workers; k++) {
      const worker = startWorker(
        new URL("./_encoder_worker.ts", import.meta.url),
        "encoder worker",
        {
          onReply: (response: EncoderResponse) => this.#settle(response),
          onCrash: (error) => this.#fail(error),
        },
        { type: "init", json: tokenizerJson } satisfies EncoderRequest,
      );
      this.#workers.push(worker);
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * The ids of each document (no end-of-text appended), in the order of `documents`, read as plain
   * text (`Tokenizer.encodeOrdinary`: a quoted `<|endoftext|>` stays characters). The arrays are
   * views into one buffer per worker slice: copy one (`slice()`) before keeping it alone for long,
   * and do not hand its `.buffer` on as if it held only that document.
   */
  async encode(documents: string[]): Promise<Uint32Array[]> {
    if (this.#closed) throw new Error("EncoderPool is closed");
    if (this.#failure) throw this.#failure;
    const slices = this.#split(documents);
    const responses = await Promise.all(
      slices.map(([from, to], k) => this.#send(k, documents.slice(from, to))),
    );
    const results: Uint32Array[] = [];
    for (const { ids, offsets } of responses) {
      for (let d = 0; d + 1 < offsets.length; d++) {
        results.push(ids.subarray(offsets[d], offsets[d + 1]));
      }
    }
    return results;
  }

  /** Stops the workers; batches still in flight are rejected. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#workers) worker.terminate();
    this.#rejectAll(new Error("EncoderPool was closed"));
  }

  // Contiguous [from, to) ranges, one per worker, with about equal numbers of characters.
  #split(documents: string[]): [number, number][] {
    const parts = Math.min(this.#workers.length, documents.length);
    if (parts <= 1) return [[0, documents.length]];
    let total = 0;
    for (const document of documents) total += document.length + 1;
    const slices: [number, number][] = [];
    let from = 0, seen = 0;
    for (let d = 0; d < documents.length && slices.length < parts - 1; d++) {
      seen += documents[d].length + 1;
      if (seen >= (total * (slices.length + 1)) / parts) {
        slices.push([from, d + 1]);
        from = d + 1;
      }
    }
    slices.push([from, documents.length]);
    return slices;
  }

  #send(worker: number, documents: string[]): Promise<{ ids: Uint32Array; offsets: Float64Array }> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#workers[worker].postMessage({ type: "encode", id, documents } satisfies EncoderRequest);
    });
  }

  #settle(response: EncoderResponse): void {
    const pending = this.#pending.get(response.id);
    if (!pending) return;
    this.#pending.delete(response.id);
    if ("error" in response) pending.reject(new Error(`encoder worker: ${response.error}`));
    else pending.resolve(response);
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#rejectAll(error);
  }

  #rejectAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
