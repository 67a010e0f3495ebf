import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { KvCache, windowLogits } from "../model/inference/kv_cache.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { randomisedGpt } from "./model_fixture_gpt.ts";

await initBackend("cpu");

const CONFIG: GptConfig = {
  layers: 2,
  modelD: 16,
  heads: 4,
  vocab: 40,
  ctx: 12,
  block: "original",
};
const TOKENS = [3, 17, 17, 0, 39, 8, 21, 5, 5, 12, 30, 1];

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertEquals(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

for (const block of ["original", "preln"] as const) {
  Deno.test(`${block}: cached logits at every position equal a full forward pass (1e-4)`, () => {
    const model = randomisedGpt({ ...CONFIG, block }, 1);
    const full = model.logits(tf.tensor2d(TOKENS, [1, TOKENS.length], "int32"));
    const expected = full.dataSync();
    full.dispose();
    const cache = new KvCache(model);
    const rows: number[] = [];
    // A prompt of 4 tokens at once, then one token at a time: every path through the cache.
    for (const chunk of [TOKENS.slice(0, 4), ...TOKENS.slice(4).map((id) => [id])]) {
      const logits = cache.append(chunk, true);
      assertEquals(logits.shape, [chunk.length, CONFIG.vocab]);
      rows.push(...logits.dataSync());
      logits.dispose();
    }
    const difference = maxDifference(rows, expected);
    assert(difference < 1e-4, `max |cached − full| = ${difference}`);
    // The logits are far from uniform, so equality is not trivially true.
    assert(maxDifference(expected, new Float32Array(expected.length)) > 1, "logits vary");
    assertEquals([...cache.tokens], TOKENS);
    cache.dispose();
    model.dispose();
  });
}

Deno.test("past ctx the window slides: logits equal a full pass over the last ctx tokens", () => {
  const model = randomisedGpt(CONFIG, 2);
  const cache = new KvCache(model);
  const sequence = [...TOKENS, 4, 9, 33, 2, 2];
  cache.append(sequence.slice(0, CONFIG.ctx)).dispose();
  for (let end = CONFIG.ctx + 1; end <= sequence.length; end++) {
    const cached = cache.append([sequence[end - 1]]);
    const reference = windowLogits(model, sequence.slice(0, end));
    const difference = maxDifference(cached.dataSync(), reference.dataSync());
    assert(difference < 1e-4, `position ${end}: max difference ${difference}`);
    assertEquals([...cache.tokens], sequence.slice(end - CONFIG.ctx, end));
    tf.dispose([cached, reference]);
  }
  // A chunk longer than the whole window keeps its last ctx tokens.
  const long = cache.append([...TOKENS, ...TOKENS].slice(0, 15), true);
  assertEquals(long.shape, [CONFIG.ctx, CONFIG.vocab]);
  long.dispose();
  cache.dispose();
  model.dispose();
});

Deno.test("the cache frees every tensor it made, and refuses an empty append", () => {
  const model = randomisedGpt(CONFIG, 3);
  const before = tf.memory().numTensors;
  const cache = new KvCache(model);
  for (const id of TOKENS.concat(TOKENS)) cache.append([id]).dispose();
  // Keys and values per layer, and one transposed copy of the embedding.
  assertEquals(tf.memory().numTensors, before + 2 * CONFIG.layers + 1);
  cache.dispose();
  assertEquals(tf.memory().numTensors, before);
  assertThrows(() => cache.append([]), RangeError, "no ids");
  model.dispose();
});
