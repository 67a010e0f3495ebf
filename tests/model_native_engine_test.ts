/**
 * The native path's passes against the tfjs model they re-write: each fused kernel against the
 * tfjs op (value and gradient), the whole GPT's loss and every parameter's gradient against
 * `tf.variableGrads` (both block wirings), and a 1-layer model's gradient against central finite
 * differences of the engine's own loss.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { flatLayout } from "../model/backend/native/_flat_parameters.ts";
import { GptEngine } from "../model/backend/native/_gpt_engine.ts";
import {
  causalSoftmax,
  causalSoftmaxBackward,
  crossEntropyLoss,
  crossEntropyWithGradient,
  geluBackward,
  geluForward,
  layerNormBackward,
  layerNormForward,
} from "../model/backend/native/_layer_kernels.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { microGpt } from "../model/gpt/gpt.ts";
import { crossEntropy } from "../model/gpt/ops/cross_entropy.ts";
import { gelu } from "../model/gpt/ops/gelu.ts";
import { LAYER_NORM_EPS, layerNorm } from "../model/gpt/ops/layer_norm.ts";
import { Random } from "../model/gpt/random.ts";
import { assert, assertAlmostEquals } from "./assert.ts";
import { randomArray, testBlas, withoutBlas } from "./model_native_fixture.ts";

await initBackend("cpu");

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  assert(
    actual.length >= expected.length,
    `${what}: ${actual.length} values for ${expected.length}`,
  );
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    assertAlmostEquals(actual[i], expected[i], tolerance * Math.max(scale, 1e-6), `${what} [${i}]`);
  }
}

Deno.test("native layerNorm: forward and backward equal the tfjs op's value and gradients", async () => {
  const [rows, width] = [6, 10];
  const x = randomArray(rows * width, 1, 3),
    gain = randomArray(width, 2),
    bias = randomArray(width, 3);
  const dy = randomArray(rows * width, 4);
  const y = new Float32Array(rows * width), xHat = new Float32Array(rows * width);
  const sigma = new Float32Array(rows);
  layerNormForward(x, gain, 0, bias, 0, y, xHat, sigma, rows, width, LAYER_NORM_EPS);
  const params = new Float32Array(2 * width); // gain's gradient at 0, bias's at width
  const dx = new Float32Array(rows * width);
  layerNormBackward(
    dy,
    xHat,
    sigma,
    gain,
    0,
    params,
    params,
    { gain: 0, bias: width },
    dx,
    false,
    rows,
    width,
    LAYER_NORM_EPS,
  );
  const [tx, tg, tb, tdy] = [
    tf.tensor2d(x, [rows, width]),
    tf.tensor1d(gain),
    tf.tensor1d(bias),
    tf.tensor2d(dy, [rows, width]),
  ];
  assertClose(y, await layerNorm(tx, tg, tb).data(), 1e-5, "y");
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(layerNorm(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), tdy))
  )([tx, tg, tb]);
  assertClose(dx, await grads[0].data(), 1e-4, "dx");
  assertClose(params.subarray(0, width), await grads[1].data(), 1e-5, "dgain");
  assertClose(params.subarray(width), await grads[2].data(), 1e-5, "dbias");
});

Deno.test("native GELU: forward and backward equal the tfjs op's", async () => {
  const x = randomArray(500, 5, 6), dy = randomArray(500, 6);
  const tanhU = new Float32Array(500), y = new Float32Array(500), dx = dy.slice();
  geluForward(x, tanhU, y, 500);
  geluBackward(x, tanhU, dx, 500);
  const tx = tf.tensor1d(x);
  assertClose(y, await gelu(tx).data(), 1e-6, "gelu");
  const [grad] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(gelu(a), tf.tensor1d(dy))))([tx]);
  assertClose(dx, await grad.data(), 1e-5, "gelu'");
});

Deno.test("native causal softmax: rows equal tfjs softmax with the −1e9 mask; backward equals its gradient", async () => {
  const time = 7;
  const scores = randomArray(time * time, 7, 4), dP = randomArray(time * time, 8);
  const probs = scores.slice();
  causalSoftmax(probs, 0, time);
  const dS = dP.slice();
  causalSoftmaxBackward(probs, 0, dS, time);
  const mask = new Float32Array(time * time).map((
    _,
    i,
  ) => (i % time > Math.floor(i / time) ? -1e9 : 0));
  const f = (s: tf.Tensor) => tf.softmax(tf.add(s, tf.tensor2d(mask, [time, time])));
  const ts = tf.tensor2d(scores, [time, time]);
  assertClose(probs, await f(ts).data(), 1e-6, "softmax");
  const [grad] = tf.grads((s: tf.Tensor) => tf.sum(tf.mul(f(s), tf.tensor2d(dP, [time, time]))))([
    ts,
  ]);
  assertClose(dS, await grad.data(), 1e-5, "softmax'");
});

Deno.test("native cross-entropy: loss and gradient equal the tfjs op's; the loss-only form agrees", async () => {
  const [batch, time, vocab] = [2, 3, 11];
  const logits = randomArray(batch * time * vocab, 9, 5);
  // Windows of time + 1 ids; the targets are positions 1 … time of each.
  const windows = new Int32Array([0, 3, 10, 4, 0, 7, 1, 2, 5]);
  const targets = new Int32Array([3, 10, 4, 7, 1, 2]);
  const windowTargets = { ids: windows, offset: 1, stride: time + 1, time };
  const lossOnly = crossEntropyLoss(logits, windowTargets, batch * time, vocab);
  const gradient = logits.slice();
  const scale = 1 / (batch * time);
  const sum = crossEntropyWithGradient(gradient, windowTargets, batch * time, vocab, scale);
  const tl = tf.tensor2d(logits, [batch * time, vocab]), tt = tf.tensor1d(targets, "int32");
  const expected = (await crossEntropy(tl, tt).data())[0];
  assertAlmostEquals(sum / (batch * time), expected, 1e-6, "mean loss");
  assertAlmostEquals(lossOnly, sum, 1e-9 + 1e-7 * sum, "loss-only form");
  const [grad] = tf.grads((z: tf.Tensor) => crossEntropy(z, tt))([tl]);
  assertClose(gradient, await grad.data(), 1e-5, "dlogits");
});

/** A model's parameters, perturbed off their initial values (so LayerNorm gains and biases matter). */
async function flatParameters(config: GptConfig, seed: number) {
  const model = microGpt(config, seed);
  const layout = flatLayout(config);
  const params = new Float32Array(layout.total);
  const random = new Random(seed + 100);
  for (const entry of layout.entries) {
    const values = await model.params.get(entry.name)!.data() as Float32Array;
    const noise = new Float32Array(entry.size);
    random.fillNormal(noise, 0.1);
    params.set(values.map((v, i) => v + noise[i]), entry.offset);
  }
  return { model, layout, params };
}

for (const block of ["original", "preln"] as const) {
  Deno.test({
    name: `native GPT (${block} wiring): loss and every parameter's gradient equal tfjs's`,
    ignore: withoutBlas,
    async fn() {
      const config: GptConfig = { layers: 2, modelD: 16, heads: 4, vocab: 37, ctx: 8, block };
      const { model, layout, params } = await flatParameters(config, 3);
      for (const entry of layout.entries) {
        model.params.get(entry.name)!.assign(
          tf.tensor(params.slice(entry.offset, entry.offset + entry.size), entry.shape),
        );
      }
      const windows = 3, time = config.ctx;
      const ids = new Int32Array(windows * (time + 1)).map((_, i) => (i * 7 + 3) % config.vocab);
      const all = tf.tensor2d(ids, [windows, time + 1], "int32");
      const inputs = tf.slice(all, [0, 0], [windows, time]) as tf.Tensor2D;
      const targets = tf.slice(all, [0, 1], [windows, time]) as tf.Tensor2D;
      const expected = tf.variableGrads(() => model.loss(inputs, targets), [
        ...model.params.values(),
      ]);
      const grads = new Float32Array(layout.total);
      const engine = new GptEngine(config, layout, testBlas(), params, grads, windows);
      const loss = engine.forwardBackward(ids, 0, windows, 1 / (windows * time)) / (windows * time);
      assertAlmostEquals(loss, (await expected.value.data())[0], 1e-5, "loss");
      for (const entry of layout.entries) {
        const reference = await expected.grads[model.params.get(entry.name)!.name].data();
        assertClose(
          grads.subarray(entry.offset, entry.offset + entry.size),
          reference,
          2e-5,
          entry.name,
        );
      }
      assertAlmostEquals(
        engine.loss(ids, 0, windows) / (windows * time),
        loss,
        1e-6,
        "forward-only loss",
      );
      model.dispose();
    },
  });
}

Deno.test({
  name: "native GPT, 1 layer: the gradient agrees with central finite differences of its own loss",
  ignore: withoutBlas,
  async fn() {
    const config: GptConfig = {
      layers: 1,
      modelD: 8,
      heads: 2,
      vocab: 13,
      ctx: 5,
      block: "original",
    };
    const { model, layout, params } = await flatParameters(config, 5);
    model.dispose();
    const windows = 2, time = config.ctx;
    const ids = new Int32Array(windows * (time + 1)).map((_, i) => (i * 5 + 1) % config.vocab);
    const grads = new Float32Array(layout.total);
    const engine = new GptEngine(config, layout, testBlas(), params, grads, windows);
    engine.forwardBackward(ids, 0, windows, 1);
    const analytic = grads.slice();
    const lossAt = (index: number, delta: number) => {
      const saved = params[index];
      params[index] = saved + delta;
      const value = engine.loss(ids, 0, windows);
      params[index] = saved;
      return value;
    };
    // Central differences at h and h/2, combined by Richardson extrapolation (cancels the h² term).
    const random = new Random(7);
    let checked = 0;
    for (const entry of layout.entries) {
      for (let sample = 0; sample < Math.min(6, entry.size); sample++) {
        const index = entry.offset + random.int(entry.size);
        const h = 1e-2;
        const central = (step: number) => (lossAt(index, step) - lossAt(index, -step)) / (2 * step);
        const numeric = (4 * central(h / 2) - central(h)) / 3;
        assertAlmostEquals(
          analytic[index],
          numeric,
          2e-3 + 2e-2 * Math.abs(numeric),
          `${entry.name} @${index - entry.offset}`,
        );
        checked++;
      }
    }
    assert(checked >= 40, `only ${checked} coordinates checked`);
  },
});
