import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import {
  generate,
  type GenerateOptions,
  generateTokens,
  TextStream,
} from "../model/inference/generate.ts";
import { trainBpe } from "../pipeline/mod.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertEquals, assertNotEquals, assertRejects } from "./assert.ts";
import { randomisedGpt } from "./model_fixture_gpt.ts";

await initBackend("cpu");

// A byte-level BPE small enough that emoji and accented letters stay split into single bytes.
const tokenizer = await trainBpe(
  ["héllo wörld, the cat sat on the mat", "€uro and 😀 smiles", "the the the cat"],
  { vocabSize: 280 },
);
const CONFIG: GptConfig = {
  layers: 2,
  modelD: 16,
  heads: 2,
  vocab: tokenizer.vocabSize,
  ctx: 16,
  block: "original",
};
// Weights of std 0.15 keep the next-token distributions broad, so seeds lead to different text.
const model = randomisedGpt(CONFIG, 7, 0.15);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

Deno.test("TextStream never splits a multi-byte character and loses nothing", () => {
  const text = "héllo 😀 €";
  const ids = Array.from(tokenizer.encode(text));
  const stream = new TextStream(tokenizer);
  const pieces = ids.map((id) => stream.push(id)).filter((piece) => piece !== "");
  pieces.push(stream.flush());
  assertEquals(pieces.join(""), text);
  assert(pieces.every((piece) => !piece.includes("\uFFFD")), `pieces: ${JSON.stringify(pieces)}`);
  assert(pieces.length < ids.length, "bytes of a character were held together");
});

Deno.test("TextStream lets invalid bytes through as U+FFFD instead of waiting forever", () => {
  const [startByte] = Array.from(tokenizer.encode("😀")); // 0xF0 alone: a character that never ends
  const [letter] = Array.from(tokenizer.encode("a"));
  const stream = new TextStream(tokenizer);
  assertEquals(stream.push(startByte), "");
  assertEquals(stream.push(letter), "\uFFFDa");
  const held = [1, 2, 3, 4].map(() => stream.push(startByte));
  assertEquals(held.slice(0, 3), ["", "", ""]);
  assert(held[3].startsWith("\uFFFD"), "released after 4 tokens");
  assertEquals(stream.push(startByte), "");
  assertEquals(stream.flush(), "\uFFFD");
});

const OPTIONS: GenerateOptions = { maxNew: 24, temperature: 1, seed: 3, ignoreEndOfText: true };

Deno.test("the same seed gives the same text; another seed other text", async () => {
  const first = (await collect(generate(model, tokenizer, "the cat", OPTIONS))).join("");
  const again = (await collect(generate(model, tokenizer, "the cat", OPTIONS))).join("");
  const other = (await collect(generate(model, tokenizer, "the cat", { ...OPTIONS, seed: 4 })))
    .join("");
  assertEquals(again, first);
  assertNotEquals(other, first);
});

Deno.test("with and without the cache the tokens are identical, past ctx too", async () => {
  const prompt = Array.from(tokenizer.encode("the cat sat"));
  for (const sampling of [{ temperature: 0 }, { temperature: 0.9, topK: 20, topP: 0.95 }]) {
    const options = { ...sampling, maxNew: 30, seed: 1 }; // 3 + 30 tokens > ctx 16: the window slides
    const cached = await collect(generateTokens(model, prompt, options));
    const uncached = await collect(generateTokens(model, prompt, { ...options, cache: false }));
    assertEquals(cached.length, 30);
    assertEquals(cached, uncached);
  }
});

Deno.test("generation stops at the stop token without emitting it, or after maxNew", async () => {
  const prompt = [tokenizer.eotId];
  const options = { maxNew: 12, seed: 9 };
  const free = await collect(generateTokens(model, prompt, options));
  assertEquals(free.length, 12);
  // The first token (after the first) not seen before: stopping there keeps exactly the tokens before it.
  const k = free.findIndex((id, i) => i > 0 && free.indexOf(id) === i);
  assert(k > 0, `a varied run: ${free}`);
  const stopped = await collect(generateTokens(model, prompt, { ...options, stopAt: free[k] }));
  assertEquals(stopped, free.slice(0, k));
});

Deno.test("an empty prompt starts from <|endoftext|>", async () => {
  const options = { maxNew: 10, temperature: 0.8, seed: 2, ignoreEndOfText: true };
  const fromEmpty = (await collect(generate(model, tokenizer, "", options))).join("");
  const ids = await collect(generateTokens(model, [tokenizer.eotId], options));
  assertEquals(fromEmpty, tokenizer.decode(ids));
});

Deno.test("bad options are UserErrors naming the flag, before any work", async () => {
  await assertRejects(
    () => collect(generate(model, tokenizer, "a", { maxNew: 0 })),
    UserError,
    "--max-new",
  );
  await assertRejects(
    () => collect(generate(model, tokenizer, "a", { maxNew: 5, topP: 2 })),
    UserError,
    "--top-p: must be in (0, 1]",
  );
});

Deno.test("generation leaves no tensors behind, even when the caller stops early", async () => {
  const before = tf.memory().numTensors;
  await collect(generate(model, tokenizer, "the", { maxNew: 20, seed: 5 }));
  for await (const _piece of generate(model, tokenizer, "the", { ...OPTIONS, cache: true })) break;
  await collect(generateTokens(model, [1, 2], { maxNew: 5, cache: false }));
  assertEquals(tf.memory().numTensors, before);
});
