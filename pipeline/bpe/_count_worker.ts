/// <reference lib="deno.worker" />
/**
 * A Worker of the parallel word count (_count_words.ts): it pre-tokenizes one batch of documents at a
 * time, counts the batch's words, and sends the counts back as transferable arrays.
 */
import { type CountedWords, WordCounter } from "./_word_counter.ts";

/** Messages the counting side sends. */
export type CountRequest =
  | { type: "init"; specialTokens: string[] }
  | { type: "count"; batch: number; documents: string[] };

/** Messages a worker sends back. */
export type CountResponse =
  | { type: "counts"; batch: number; counts: CountedWords }
  | { type: "error"; message: string };

let specialTokens: string[] = [];

self.onmessage = (event: MessageEvent<CountRequest>) => {
  const request = event.data;
  try {
    if (request.type === "init") {
      specialTokens = request.specialTokens;
      return;
    }
    const counts = countBatch(request.documents, specialTokens);
    self.postMessage(
      { type: "counts", batch: request.batch, counts } satisfies CountResponse,
      [counts.arena.buffer, counts.starts.buffer, counts.counts.buffer],
    );
  } catch (error) {
    self.postMessage({ type: "error", message: (error as Error).message } satisfies CountResponse);
  }
};

/** The words of one batch and their counts (no cap: a batch holds a bounded amount of text). */
export function countBatch(documents: string[], specialTokens: string[]): CountedWords {
  const counter = new WordCounter(Infinity, specialTokens);
  for (const document of documents) counter.add(document);
  return counter.export();
}
