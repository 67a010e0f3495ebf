/**
 * What the page computes, checked in Deno against the model and the tokenizer: the attention
 * probabilities are the ones the model's attention op applies, and a word's merges end in the
 * tokenizer's ids.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { gptHidden, type GptModel } from "../model/gpt/gpt.ts";
import { embedTokens } from "../model/gpt/ops/embedding.ts";
import { layerNorm } from "../model/gpt/ops/layer_norm.ts";
import { positionalEncoding } from "../model/gpt/ops/positional_encoding.ts";
import { causalSelfAttention } from "../model/gpt/ops/attention.ts";
import { trainBpe } from "../pipeline/mod.ts";
import { attentionMaps, mergeSteps } from "../playground/mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { randomisedGpt } from "./model_fixture_gpt.ts";
import { corpusSentences } from "./pipeline_bpe_fixtures.ts";

await initBackend("cpu");

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  assertEquals(actual.length, expected.length, what);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  assert(worst < tolerance, `${what}: largest difference ${worst}`);
}

const param = (model: GptModel, name: string) =>
  model.params.get(name)! as tf.Tensor2D & tf.Tensor1D;

Deno.test("attentionMaps: each layer's probabilities, applied to V and W_o, give the model's attention", async () => {
  for (const block of ["original", "preln"] as const) {
    const config = { layers: 3, modelD: 12, heads: 3, vocab: 40, ctx: 9, block };
    const model = randomisedGpt(config, 5, 0.4);
    const ids = [3, 1, 4, 1, 5, 9, 2, 6];
    const time = ids.length, headDim = config.modelD / config.heads;
    const layers = await attentionMaps(model, ids);
    assertEquals(layers.length, config.layers);
    for (let layer = 1; layer <= config.layers; layer++) {
      const { input, heads } = layers[layer - 1];
      assertEquals(heads.length, config.heads);
      for (const probabilities of heads) {
        for (let q = 0; q < time; q++) {
          const row = probabilities.subarray(q * time, (q + 1) * time);
          assert(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `row ${q} sums to 1`);
          assert(row.subarray(q + 1).every((p) => p === 0), `row ${q} is causal`);
        }
      }
      const w = (name: string) => model.params.get(`attn${layer}.${name}`) as tf.Tensor2D;
      const [expected, rebuilt] = tf.tidy(() => {
        const x = tf.tensor3d(input, [1, time, config.modelD]);
        const weights = { wQ: w("w_q"), wK: w("w_k"), wV: w("w_v"), wO: w("w_o") };
        const expected = causalSelfAttention(x, weights, config.heads);
        // (H, T, T) · V (H, T, D) → (T, C) · W_o
        const p = tf.tensor3d(heads.flatMap((h) => [...h]), [config.heads, time, time]);
        const v = tf.transpose(
          tf.reshape(tf.matMul(tf.reshape(x, [time, config.modelD]), weights.wV), [
            time,
            config.heads,
            headDim,
          ]),
          [1, 0, 2],
        );
        const merged = tf.reshape(tf.transpose(tf.matMul(p, v), [1, 0, 2]), [time, config.modelD]);
        return [expected.dataSync(), tf.matMul(merged, weights.wO).dataSync()];
      });
      assertClose(rebuilt, expected, 1e-5, `${block} layer ${layer}: attention output`);
    }
    // The blocks chain as the model's: each input is LN of the previous output, and the last
    // output (after the final LayerNorm, if any) is gptHidden's.
    const [embedded, hidden] = tf.tidy(() => {
      const tokens = embedTokens(param(model, "embed"), tf.tensor2d([ids], [1, time], "int32"));
      const x = tf.add(tokens, positionalEncoding(time, config.modelD)) as tf.Tensor3D;
      return [x.dataSync(), gptHidden(model, tf.tensor2d([ids], [1, time], "int32")).dataSync()];
    });
    const outputs = [embedded, ...layers.map((l) => l.output)];
    for (let layer = 1; layer <= config.layers; layer++) {
      const normed = tf.tidy(() =>
        layerNorm(
          tf.tensor3d(outputs[layer - 1], [1, time, config.modelD]),
          param(model, `ln${layer}.gain`),
          param(model, `ln${layer}.bias`),
        ).dataSync()
      );
      assertClose(layers[layer - 1].input, normed, 1e-5, `${block} input of layer ${layer}`);
    }
    const last = tf.tidy(() => {
      const x = tf.tensor3d(outputs[config.layers], [1, time, config.modelD]);
      if (!model.params.has("lnf.gain")) return x.dataSync();
      return layerNorm(x, param(model, "lnf.gain"), param(model, "lnf.bias")).dataSync();
    });
    assertClose(last, hidden, 1e-5, `${block}: gptHidden`);
    model.dispose();
  }
});

Deno.test("attentionMaps refuses a window longer than the context", async () => {
  const model = randomisedGpt({
    layers: 1,
    modelD: 8,
    heads: 2,
    vocab: 10,
    ctx: 4,
    block: "original",
  }, 1);
  let message = "";
  await attentionMaps(model, [1, 2, 3, 4, 5]).catch((error) => message = error.message);
  assertEquals(message, "attentionMaps: 5 tokens do not fit the context of 4");
  model.dispose();
});

Deno.test("mergeSteps: bytes first, merges in rank order, ending in Tokenizer.encode's tokens", async () => {
  const sentences = corpusSentences(400);
  const tokenizer = await trainBpe(sentences, { vocabSize: 600 });
  const { vocab } = tokenizer.definition;
  const words = new Set(sentences.slice(0, 60).join(" ").match(/ ?\p{L}+| ?\p{N}+/gu));
  words.add(" naïve").add(" café").add("日本");
  for (const word of words) {
    const steps = mergeSteps(tokenizer.definition, word);
    assertEquals(steps[0].symbols.length, new TextEncoder().encode(word).length, word);
    const ranks = steps.slice(1).map((step) => step.merge!.rank);
    assertEquals(ranks, [...ranks].sort((a, b) => a - b), word);
    const ids = steps.at(-1)!.symbols.map((symbol) => vocab.get(symbol));
    assertEquals(ids, Array.from(tokenizer.encode(word)), word);
  }
});
