import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { type GptConfig, parameterCount, parameterLayout } from "../model/gpt/config.ts";
import { gptLoss, microGpt, microGpt1, microGpt2, microGpt4 } from "../model/gpt/gpt.ts";
import { randomisedGpt } from "./model_fixture_gpt.ts";
import { UserError } from "../core/user_error.ts";
import { countParams } from "../scaling/mod.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertThrows,
} from "./assert.ts";
import { checkGradients } from "./gradient_check.ts";

await initBackend("cpu");

const TINY: GptConfig = { layers: 1, modelD: 8, heads: 2, vocab: 7, ctx: 4, block: "original" };

function ids(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows, [rows.length, rows[0].length], "int32");
}

Deno.test("parameter counts equal the seed's: 17,205,248 and 10,160,640 for micro_gpt_4", () => {
  const seed = (vocab: number, modelD: number): GptConfig => ({
    layers: 4,
    modelD,
    heads: 8,
    vocab,
    ctx: 128,
    block: "original",
  });
  assertEquals(parameterCount(seed(9000, 512)), 17_205_248);
  assertEquals(parameterCount(seed(8000, 384)), 10_160_640);
  // preln adds a LayerNorm per block and a final one: (4 + 1) · 2d.
  assertEquals(parameterCount({ ...seed(9000, 512), block: "preln" }), 17_205_248 + 5 * 1024);
});

Deno.test("parameter counts equal scaling's countParams for every shape and wiring", () => {
  for (const block of ["original", "preln"] as const) {
    for (
      const [layers, modelD, vocab] of [[1, 64, 512], [2, 128, 1000], [4, 384, 8000], [
        6,
        512,
        9000,
      ]]
    ) {
      const config: GptConfig = { layers, modelD, heads: 8, vocab, ctx: 128, block };
      assertEquals(
        parameterCount(config),
        countParams({ layers, modelD, vocab, block }),
        `${block} ${layers} ${modelD}`,
      );
    }
  }
  // And a model built from a config holds that many numbers.
  const model = microGpt({ layers: 2, modelD: 16, heads: 2, vocab: 30, ctx: 4, block: "preln" });
  const built = [...model.params.values()].reduce((n, v) => n + v.size, 0);
  assertEquals(built, countParams({ layers: 2, modelD: 16, vocab: 30, block: "preln" }));
  model.dispose();
});

Deno.test("a built model holds exactly the layout's parameters, named as the microGPT study names them", () => {
  const model = microGpt2({ vocab: 11, modelD: 8, heads: 2, ctx: 4 });
  assertEquals([...model.params.keys()], [
    "embed",
    ...[1, 2].flatMap((i) => [
      `ln${i}.gain`,
      `ln${i}.bias`,
      `attn${i}.w_q`,
      `attn${i}.w_k`,
      `attn${i}.w_v`,
      `attn${i}.w_o`,
      `ffn${i}_fc.weight`,
      `ffn${i}_fc.bias`,
      `ffn${i}_proj.weight`,
      `ffn${i}_proj.bias`,
    ]),
  ]);
  assertEquals(model.params.get("ffn2_fc.weight")!.shape, [8, 32]);
  assertEquals(model.params.get("ffn2_proj.weight")!.shape, [32, 8]);
  const total = [...model.params.values()].reduce((n, v) => n + v.size, 0);
  assertEquals(total, parameterCount(model.config));
  model.dispose();
  const preln = parameterLayout({ ...TINY, block: "preln" }).map((spec) => spec.name);
  assert(
    preln.includes("ln1_ffn.gain") && preln.at(-2) === "lnf.gain" && preln.at(-1) === "lnf.bias",
  );
});

Deno.test("initialisation follows the seed: N(0, 0.01²), attention N(0, 1/d), zero biases, unit gains", () => {
  const model = microGpt1({ vocab: 2000, modelD: 64, heads: 4, ctx: 8 }, 3);
  // Sample mean within 5 standard errors of 0, sample std within 3% of the target.
  const expectNormal = (name: string, std: number) => {
    const values = Array.from(model.params.get(name)!.dataSync());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    assertAlmostEquals(mean, 0, 5 * std / Math.sqrt(values.length), `${name} mean`);
    const measured = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    assertAlmostEquals(measured, std, 0.03 * std, `${name} std`);
  };
  expectNormal("embed", 0.01);
  expectNormal("attn1.w_q", 1 / 8);
  expectNormal("attn1.w_o", 1 / 8);
  expectNormal("ffn1_fc.weight", 0.01);
  expectNormal("ffn1_proj.weight", 0.01);
  for (const name of ["ffn1_fc.bias", "ffn1_proj.bias", "ln1.bias"]) {
    assert(model.params.get(name)!.dataSync().every((v) => v === 0), `${name} is zero`);
  }
  assert(model.params.get("ln1.gain")!.dataSync().every((v) => v === 1), "gain is one");
  model.dispose();
});

Deno.test("the same seed gives the same model; another seed another", () => {
  const [a, b, c] = [7, 7, 8].map((seed) =>
    microGpt4({ vocab: 13, modelD: 8, heads: 2, ctx: 4 }, seed)
  );
  for (const name of a.params.keys()) {
    assertEquals(a.params.get(name)!.dataSync(), b.params.get(name)!.dataSync(), name);
  }
  assertNotEquals(a.params.get("attn3.w_v")!.dataSync(), c.params.get("attn3.w_v")!.dataSync());
  [a, b, c].forEach((model) => model.dispose());
});

Deno.test("at initialisation the loss is ≈ ln(vocab) (tiny embeddings give near-uniform logits)", () => {
  for (const block of ["original", "preln"] as const) {
    const model = microGpt({ ...TINY, vocab: 300, modelD: 16, ctx: 8, block }, 1);
    const loss = model.loss(ids([[1, 2, 3, 4, 5]]), ids([[2, 3, 4, 5, 6]])).dataSync()[0];
    assertAlmostEquals(loss, Math.log(300), 0.05, block);
    model.dispose();
  }
});

Deno.test("the model is causal: logits at t do not depend on tokens after t", () => {
  const model = microGpt({ ...TINY, layers: 2 }, 2);
  const a = model.logits(ids([[1, 2, 3, 4]])).arraySync()[0];
  const b = model.logits(ids([[1, 2, 6, 0]])).arraySync()[0];
  assertEquals(a.slice(0, 2), b.slice(0, 2));
  assertNotEquals(a[2], b[2]);
  model.dispose();
});

for (const block of ["original", "preln"] as const) {
  Deno.test(`whole 1-layer model (${block}): every parameter's gradient matches finite differences`, () => {
    const model = randomisedGpt({ ...TINY, block }, 5, 0.25);
    const x = ids([[1, 5, 5, 0], [6, 2, 3, 1]]);
    const y = ids([[5, 5, 0, 2], [2, 3, 1, 4]]);
    const names = [...model.params.keys()];
    const loss = (...tensors: tf.Tensor[]) =>
      gptLoss(
        { config: model.config, params: new Map(names.map((n, i) => [n, tensors[i]])) },
        x,
        y,
      );
    const report = checkGradients(loss, [...model.params.values()], { names });
    assertEquals(report.checked, parameterCount(model.config));
    // The model's own loss and variable gradients are the same function.
    const { value, grads } = tf.variableGrads(() => model.loss(x, y));
    const reference = tf.grads(loss)([...model.params.values()]);
    assertAlmostEquals(value.dataSync()[0], loss(...model.params.values()).dataSync()[0], 1e-6);
    names.forEach((name, i) =>
      grads[model.params.get(name)!.name].dataSync().forEach((g, k) =>
        assertAlmostEquals(g, reference[i].dataSync()[k], 1e-6, name)
      )
    );
    tf.dispose([x, y, value, ...Object.values(grads), ...reference]);
    model.dispose();
  });
}

Deno.test("no tensor leaks: loss and gradients leave the tensor count unchanged", () => {
  const model = microGpt({ ...TINY, layers: 2, block: "preln" }, 1);
  const x = ids([[1, 2, 3, 4]]);
  const y = ids([[2, 3, 4, 5]]);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => model.loss(x, y));
    tf.dispose([value, ...Object.values(grads)]);
    model.logits(x).dispose();
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) step();
  assertEquals(tf.memory().numTensors, before);
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("bad configs and over-long inputs are refused with clear errors", () => {
  assertThrows(
    () => microGpt({ ...TINY, heads: 3 }),
    UserError,
    "model_d 8 is not divisible by heads 3",
  );
  assertThrows(() => microGpt({ ...TINY, vocab: 0 }), UserError, "vocab must be a whole number");
  assertThrows(() => microGpt({ ...TINY, modelD: 1.5 }), UserError, "model_d");
  assertThrows(
    () => microGpt({ ...TINY, block: "postln" as GptConfig["block"] }),
    UserError,
    "GPT config: block: expected original or preln",
  );
  const model = microGpt(TINY);
  assertThrows(() => model.logits(ids([[1, 2, 3, 4, 5]])), RangeError, "context of 4");
  model.dispose();
});
