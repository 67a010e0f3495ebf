/**
 * An in-memory token store with the `TokenStore` interface, for the training-loop tests that need a store but not
 * a corpus: a sequence from a fixed order-1 Markov chain, so a model can learn something real from it.
 */
import type { Split, TokenStore } from "../pipeline/mod.ts";
import { Random } from "../model/gpt/random.ts";
import type { TrainOptions } from "../model/train/loop.ts";

export interface MemoryStore extends TokenStore {
  /** The store's folder (holds the tokenizer.json the run copies). */
  readonly path: string;
}

/**
 * A store of `trainTokens` + `valTokens` tokens over `vocab` ids: each next id is (3 × id + 1 + noise) mod
 * vocab with noise in {0, 1}, so the next token has one bit of entropy given the previous one.
 */
export async function memoryStore(
  { vocab = 32, trainTokens = 4000, valTokens = 600, seed = 7 } = {},
): Promise<MemoryStore & { cleanup(): Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix: "memory_store_" });
  // A tokenizer file for the run to copy; the loop only copies and hashes it.
  await Deno.writeTextFile(
    `${path}/tokenizer.json`,
    JSON.stringify({ model: { type: "test", vocab } }),
  );
  const random = new Random(seed);
  const make = (n: number) => {
    const out = new Int32Array(n);
    for (let i = 1; i < n; i++) out[i] = (3 * out[i - 1] + 1 + random.int(2)) % vocab;
    return out;
  };
  const data: Record<Split, Int32Array> = { train: make(trainTokens), val: make(valTokens) };
  return {
    path,
    vocabSize: vocab,
    eotId: vocab - 1,
    attributes: {},
    tokens: (split) => data[split].length,
    documents: () => 1,
    bytes: (split) => data[split].length * 3,
    batch(split, batchSize, contextLength, rng) {
      const source = data[split];
      const out = new Int32Array(batchSize * (contextLength + 1));
      for (let row = 0; row < batchSize; row++) {
        const start = Math.floor(rng() * (source.length - contextLength));
        out.set(source.subarray(start, start + contextLength + 1), row * (contextLength + 1));
      }
      return Promise.resolve(out);
    },
    async *iterate(split, contextLength) {
      const source = data[split];
      for (let start = 0; start + contextLength + 1 <= source.length; start += contextLength) {
        yield source.slice(start, start + contextLength + 1);
      }
    },
    cleanup: () => Deno.remove(path, { recursive: true }),
  };
}

/**
 * Options for a run of a tiny model (1 layer, model_d 16, 2 heads, ctx 8, batch 4, rate 1e-2) that the cpu
 * backend trains in milliseconds a step, quietly; `overrides` on top.
 */
export function tinyTrainOptions(out: string, overrides: Partial<TrainOptions> = {}): TrainOptions {
  return {
    out,
    layers: 1,
    modelD: 16,
    heads: 2,
    ctx: 8,
    batch: 4,
    lr: 1e-2,
    log: () => {},
    ...overrides,
  };
}
