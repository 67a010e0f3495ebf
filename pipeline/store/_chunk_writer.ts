import { UserError } from "../../core/user_error.ts";
import { openStorage, type StoreKey, type StoreStorage } from "./_storage.ts";
import type { ChunkRequest, ChunkResponse, ChunkToWrite } from "./_chunk_writer_worker.ts";
import type { StoreLayout } from "./_layout.ts";
import { writeGroupMetadata } from "./_metadata.ts";
import { startWorker } from "../_module_worker.ts";

export type { ChunkToWrite };

/** Write requests allowed in flight before `settle` waits (each holds a chunk or two). */
const MAX_IN_FLIGHT = 8;

/** A `write` call on its way to disk. */
interface Request {
  chunksLeft: number;
  written: StoreKey[];
  rootAttributes?: Record<string, unknown>;
  done: Promise<void>;
  resolve: () => void;
}

/**
 * Writes complete chunks on Workers (compression and file writes run there, several chunks at
 * once) and commits the journal from this thread, in order: the root attributes of a `write` call
 * are written only after every chunk of it and of the calls before it is on disk and made
 * durable (`StoreStorage.flush`). Commits that become due together are written once, the last one (each
 * supersedes the ones before). The first failure is kept and rethrown by every later call; no
 * journal is written after it, so the journal never points past a missing chunk.
 */
export class ChunkWriter {
  readonly #workers: Worker[] = [];
  /** Chunks sent to each worker and not yet reported written. */
  readonly #busy: number[] = [];
  readonly #maxWorkers: number;
  readonly #storePath: string;
  readonly #layout: StoreLayout;
  readonly #storage: StoreStorage;
  readonly #requests = new Map<number, Request>();
  #nextRequest = 0;
  /** The oldest request not yet committed. */
  #oldest = 0;
  #commits: Promise<void> = Promise.resolve();
  #failure: Error | undefined;

  /**
   * Writes the chunks of a store of `layout` at `storePath` with up to `maxWorkers` Workers: one to start with, and
   * another each time a chunk comes while all are busy (a small corpus never pays for a second).
   */
  constructor(storePath: string, layout: StoreLayout, maxWorkers: number) {
    this.#storePath = storePath;
    this.#layout = layout;
    this.#maxWorkers = maxWorkers;
    this.#storage = openStorage(storePath, { deferFlush: true });
    this.#startWorker();
  }

  #startWorker(): void {
    const k = this.#workers.length;
    const worker = startWorker(
      new URL("./_chunk_writer_worker.ts", import.meta.url),
      "chunk writer worker",
      {
        onReply: (response: ChunkResponse) => {
          this.#busy[k]--;
          this.#written(response);
        },
        onCrash: (error) => this.#fail(error),
      },
      { type: "open", storePath: this.#storePath, layout: this.#layout } satisfies ChunkRequest,
    );
    this.#workers.push(worker);
    this.#busy.push(0);
  }

  /** The least busy worker, started if every one is busy and there is room for another. */
  #idleWorker(): number {
    let best = 0;
    for (let k = 1; k < this.#busy.length; k++) if (this.#busy[k] < this.#busy[best]) best = k;
    if (this.#busy[best] > 0 && this.#workers.length < this.#maxWorkers) {
      this.#startWorker();
      best = this.#workers.length - 1;
    }
    return best;
  }

  /**
   * Queues `chunks` (their buffers are transferred: unusable here afterwards) and then, if given,
   * the root attributes that commit them. Call `settle()` before queueing much more.
   */
  write(chunks: ChunkToWrite[], rootAttributes?: Record<string, unknown>): void {
    if (this.#failure) throw this.#failure;
    const id = this.#nextRequest++;
    let resolve!: () => void;
    const done = new Promise<void>((settle) => resolve = settle);
    this.#requests.set(id, {
      chunksLeft: chunks.length,
      written: [],
      rootAttributes,
      done,
      resolve,
    });
    for (const chunk of chunks) {
      const k = this.#idleWorker();
      this.#busy[k]++;
      const message: ChunkRequest = { type: "chunk", request: id, chunk };
      this.#workers[k].postMessage(message, [chunk.values.buffer as ArrayBuffer]);
    }
    if (!chunks.length) this.#commitDue();
  }

  /** Waits while more than a few requests are in flight (backpressure); rethrows a failure. */
  async settle(): Promise<void> {
    while (this.#nextRequest - this.#oldest > MAX_IN_FLIGHT && !this.#failure) {
      await this.#requests.get(this.#oldest)!.done;
    }
    if (this.#failure) throw this.#failure;
  }

  /** Waits until everything queued is on disk and committed; rethrows the first failure. */
  async drain(): Promise<void> {
    while (this.#oldest < this.#nextRequest && !this.#failure) {
      await this.#requests.get(this.#oldest)!.done;
    }
    if (this.#failure) throw this.#failure;
  }

  /** Stops the Workers (writes still in flight are abandoned: the journal stays consistent). */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#fail(new Error("the chunk writer is closed"));
  }

  #written(response: ChunkResponse): void {
    const request = this.#requests.get(response.request);
    if (!request || this.#failure) return;
    if (response.error !== undefined) {
      this.#fail(response.userError ? new UserError(response.error) : new Error(response.error));
      return;
    }
    request.written.push(response.key);
    if (--request.chunksLeft === 0) this.#commitDue();
  }

  /** Commits the requests, oldest first, whose chunks (and all earlier ones) are written. */
  #commitDue(): void {
    this.#commits = this.#commits.then(async () => {
      const due: number[] = [];
      for (let id = this.#oldest; this.#requests.get(id)?.chunksLeft === 0; id++) due.push(id);
      if (!due.length || this.#failure) return;
      const requests = due.map((id) => this.#requests.get(id)!);
      try {
        await this.#storage.flush(requests.flatMap((request) => request.written));
        const journal = requests.findLast((request) => request.rootAttributes)?.rootAttributes;
        if (journal) await writeGroupMetadata(this.#storage, "/", journal);
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
      for (const id of due) this.#requests.delete(id);
      this.#oldest = due[due.length - 1] + 1;
      for (const request of requests) request.resolve();
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    // Wake every waiter: they see the failure.
    for (const request of this.#requests.values()) request.resolve();
  }
}
