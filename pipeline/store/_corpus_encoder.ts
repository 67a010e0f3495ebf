/**
 * The Workers of the encoding pass: each reads (or is sent) documents, splits them by content hash
 * and encodes them; the main thread takes the results in input order.
 */
import { UserError } from "../../core/user_error.ts";
import {
  type EncodedBatch,
  type EncoderSettings,
  type EncoderTask,
  type EncoderWorkerRequest,
  type EncoderWorkerResponse,
} from "./_corpus_encoder_worker.ts";
import { startWorker } from "../_module_worker.ts";

export type { EncodedBatch, EncoderSettings, EncoderTask };

/** Tasks a worker holds at once (one in hand, one queued behind it, so it never waits for work). */
const TASKS_PER_WORKER = 2;

/** A task given to a worker and not yet all taken by `run`'s consumer. */
interface Submitted {
  id: number;
  worker: number;
  task: EncoderTask;
  batches: EncodedBatch[];
  error?: Error;
  abandoned: boolean;
}

/**
 * A pool of encoder Workers (see `_corpus_encoder_worker.ts`).
 *
 * `run(tasks)` pulls tasks as workers have room (each holds at most two), hands each to the least
 * busy worker, and yields every task's batches in task order, so the output is the same for any
 * number of workers. A task's failure (a corrupt file in the part it reads) is thrown when the
 * consumer reaches it, after every batch before it, as a serial reader would. Call `close()` when
 * done: live Workers keep the process running.
 */
export class CorpusEncoder {
  readonly #workers: Worker[] = [];
  readonly #load: number[] = [];
  readonly #submitted = new Map<number, Submitted>();
  #nextId = 0;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  /** Starts `workers` Workers; they load the tokenizer while the caller prepares the store. */
  constructor(workers: number, settings: EncoderSettings) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`CorpusEncoder needs at least one worker, got ${workers}`);
    }
    for (let k = 0; k < workers; k++) {
      const worker = startWorker(
        new URL("./_corpus_encoder_worker.ts", import.meta.url),
        "encoder worker",
        {
          onReply: (response: EncoderWorkerResponse) => this.#receive(response),
          onCrash: (error) => this.#fail(error),
        },
        { type: "init", settings } satisfies EncoderWorkerRequest,
      );
      this.#workers.push(worker);
      this.#load.push(0);
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Runs `tasks` and yields their batches in order. Leaving the loop early abandons the tasks in
   * flight (their results are dropped), so the pool can run other tasks afterwards.
   */
  async *run(
    tasks: AsyncIterable<EncoderTask> | Iterable<EncoderTask>,
  ): AsyncGenerator<{ task: EncoderTask; batch: EncodedBatch }> {
    const iterator = Symbol.asyncIterator in tasks
      ? tasks[Symbol.asyncIterator]()
      : tasks[Symbol.iterator]();
    const order: Submitted[] = [];
    let exhausted = false;
    let pullFailure: unknown;
    let pulling = false;
    // Pulls the next task when a worker has room; the pull (reading, on the main thread) runs
    // while the loop below hands out results.
    const pump = () => {
      if (pulling || exhausted || pullFailure !== undefined) return;
      const worker = this.#leastLoaded();
      if (this.#load[worker] >= TASKS_PER_WORKER) return;
      pulling = true;
      (async () => {
        try {
          const next = await iterator.next();
          if (next.done) exhausted = true;
          else order.push(this.#submit(this.#leastLoaded(), next.value));
        } catch (error) {
          pullFailure = error;
        } finally {
          pulling = false;
          this.#wake?.();
        }
      })();
    };
    try {
      while (true) {
        if (this.#failure) throw this.#failure;
        pump();
        const head = order[0];
        if (head?.batches.length) {
          const batch = head.batches.shift()!;
          this.#workers[head.worker].postMessage({ type: "ack" } satisfies EncoderWorkerRequest);
          if (batch.last) this.#retire(order.shift()!);
          yield { task: head.task, batch };
        } else if (head?.error) {
          this.#retire(order.shift()!);
          throw head.error;
        } else if (!head && pullFailure !== undefined) {
          throw pullFailure;
        } else if (!head && exhausted) {
          return;
        } else {
          await new Promise<void>((resolve) => this.#wake = resolve);
          this.#wake = undefined;
        }
      }
    } finally {
      for (const submitted of order) this.#abandon(submitted);
      if (!exhausted) await iterator.return?.();
    }
  }

  /** Stops the workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#fail(new Error("the encoder pool is closed"));
  }

  #leastLoaded(): number {
    let best = 0;
    for (let k = 1; k < this.#load.length; k++) if (this.#load[k] < this.#load[best]) best = k;
    return best;
  }

  #submit(worker: number, task: EncoderTask): Submitted {
    const submitted: Submitted = {
      id: this.#nextId++,
      worker,
      task,
      batches: [],
      abandoned: false,
    };
    this.#submitted.set(submitted.id, submitted);
    this.#load[worker]++;
    // An archive member's bytes move to the worker rather than being copied.
    this.#workers[worker].postMessage(
      { type: "task", id: submitted.id, task } satisfies EncoderWorkerRequest,
      task.kind === "member" ? [task.member.bytes.buffer] : [],
    );
    return submitted;
  }

  /** The task is all taken (or failed): its worker has room again. */
  #retire(submitted: Submitted): void {
    this.#submitted.delete(submitted.id);
    this.#load[submitted.worker]--;
  }

  /** Drops a task's results, now and as they come (acknowledged, so its worker goes on). */
  #abandon(submitted: Submitted): void {
    submitted.abandoned = true;
    for (const batch of submitted.batches.splice(0)) this.#dropped(submitted, batch);
    if (submitted.error) this.#retire(submitted);
  }

  #dropped(submitted: Submitted, batch: EncodedBatch): void {
    this.#workers[submitted.worker].postMessage({ type: "ack" } satisfies EncoderWorkerRequest);
    if (batch.last) this.#retire(submitted);
  }

  #receive(response: EncoderWorkerResponse): void {
    const id = response.type === "batch" ? response.batch.id : response.id;
    const submitted = this.#submitted.get(id);
    if (!submitted) return;
    if (response.type === "error") {
      submitted.error = response.userError
        ? new UserError(response.message)
        : new Error(`encoder worker: ${response.message}`);
      if (submitted.abandoned) this.#retire(submitted);
    } else if (submitted.abandoned) {
      this.#dropped(submitted, response.batch);
    } else {
      submitted.batches.push(response.batch);
    }
    this.#wake?.();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }
}
