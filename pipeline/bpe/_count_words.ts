/**
 * The counting pass of BPE training, on several cores. Documents are cut into batches (about 1 MB
 * of text); Workers pre-tokenize and count one batch each at a time, and this thread adds each
 * batch's counts, in input order, to the one WordCounter that holds the corpus's words (and prunes
 * it when it passes `maxWords`). A batch has far fewer distinct words than words, so this thread's
 * share of the work is small.
 *
 * Batches are cut and added in the same order whatever the number of workers (0 counts the batches
 * in this thread), so the counts, pruning included, never depend on it: the same input gives the
 * same tokenizer on any machine. The first 16 batches (16 MB) are counted in this thread, so a
 * small corpus starts no worker.
 */
import { countBatch, type CountRequest, type CountResponse } from "./_count_worker.ts";
import { type CountedWords, utf8Length, WordCounter } from "./_word_counter.ts";
import { startWorker } from "../_module_worker.ts";

const BATCH_CHARACTERS = 1 << 20;
const BATCH_DOCUMENTS = 8192;
const LOCAL_BATCHES = 16;

/** Settings of `countWords`. */
export interface CountWordsOptions {
  maxWords: number;
  specialTokens: string[];
  /** Workers to count on; 0 counts in this thread. */
  workers: number;
  /** Called after every 1000 documents read. */
  onProgress: (documents: number, bytes: number) => void;
}

/** Words counted over a whole corpus. */
export interface CountedCorpus {
  counter: WordCounter;
  documents: number;
  bytes: number;
}

/** Counts the pre-tokenized words of `docs` (read once). */
export async function countWords(
  docs: AsyncIterable<string> | Iterable<string>,
  options: CountWordsOptions,
): Promise<CountedCorpus> {
  const total = new WordCounter(options.maxWords, options.specialTokens);
  let pool: CountPool | undefined;
  let batch: string[] = [];
  let batchCharacters = 0;
  let batches = 0;
  let documents = 0;
  let bytes = 0;

  const dispatch = async (last: boolean) => {
    // The first batches are counted here: a small corpus is done before workers would have started.
    if (options.workers === 0 || batches++ < LOCAL_BATCHES || (last && !pool)) {
      total.absorb(countBatch(batch, options.specialTokens));
    } else {
      pool ??= new CountPool(options.workers, options.specialTokens, total);
      await pool.count(batch);
    }
    batch = [];
    batchCharacters = 0;
  };
  const add = (doc: string): Promise<void> | undefined => {
    batch.push(doc);
    batchCharacters += doc.length;
    documents++;
    bytes += utf8Length(doc);
    if (documents % 1000 === 0) options.onProgress(documents, bytes);
    const full = batchCharacters >= BATCH_CHARACTERS || batch.length >= BATCH_DOCUMENTS;
    return full ? dispatch(false) : undefined;
  };
  try {
    // `for await` costs a promise per document; a plain array or generator does not need one,
    // and only a full batch needs waiting for.
    if (Symbol.asyncIterator in docs) {
      for await (const doc of docs) {
        const waiting = add(doc);
        if (waiting) await waiting;
      }
    } else {
      for (const doc of docs) {
        const waiting = add(doc);
        if (waiting) await waiting;
      }
    }
    if (batch.length) await dispatch(true);
    await pool?.finish();
    options.onProgress(documents, bytes);
    return { counter: total, documents, bytes };
  } finally {
    pool?.close();
  }
}

// Workers counting batches; their counts are added to `total` in batch order.
class CountPool {
  readonly #workers: Worker[] = [];
  readonly #total: WordCounter;
  readonly #arrived = new Map<number, CountedWords>();
  #sent = 0;
  #added = 0;
  #wake: (() => void) | undefined;
  #failure: Error | undefined;

  constructor(workers: number, specialTokens: string[], total: WordCounter) {
    this.#total = total;
    for (let k = 0; k < workers; k++) {
      const worker = startWorker(
        new URL("./_count_worker.ts", import.meta.url),
        "word count worker",
        {
          onReply: (response: CountResponse) => {
            if (response.type === "counts") this.#arrived.set(response.batch, response.counts);
            else this.#failure ??= new Error(`word count worker: ${response.message}`);
            this.#wake?.();
          },
          onCrash: (error) => {
            this.#failure ??= error;
            this.#wake?.();
          },
        },
        { type: "init", specialTokens } satisfies CountRequest,
      );
      this.#workers.push(worker);
    }
  }

  /** Sends a batch; waits while two batches per worker are already out. */
  async count(documents: string[]): Promise<void> {
    const batch = this.#sent++;
    this.#workers[batch % this.#workers.length].postMessage(
      { type: "count", batch, documents } satisfies CountRequest,
    );
    this.#addArrived();
    while (this.#sent - this.#added > 2 * this.#workers.length) await this.#next();
  }

  /** Waits for every batch sent and adds them. */
  async finish(): Promise<void> {
    this.#addArrived();
    while (this.#added < this.#sent) await this.#next();
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }

  // Adds the batches that arrived, in order, as far as there is no gap.
  #addArrived(): void {
    if (this.#failure) throw this.#failure;
    for (
      let counts = this.#arrived.get(this.#added);
      counts;
      counts = this.#arrived.get(this.#added)
    ) {
      this.#arrived.delete(this.#added++);
      this.#total.absorb(counts);
    }
  }

  async #next(): Promise<void> {
    await new Promise<void>((resolve) => this.#wake = resolve);
    this.#addArrived();
  }
}
