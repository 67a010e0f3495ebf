import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { feedForward, type FeedForwardWeights } from "../model/gpt/ops/feed_forward.ts";
import { gelu } from "../model/gpt/ops/gelu.ts";
import { linear } from "../model/gpt/ops/linear.ts";
import { assertAlmostEquals, assertEquals } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

Deno.test("linear is x·W + b over the last axis of any rank", () => {
  const x = tf.tensor3d([[[1, 2], [3, 4]]]);
  const w = tf.tensor2d([[1, 0, 2], [0, 1, -1]]);
  const b = tf.tensor1d([10, 20, 30]);
  const y = linear(x, w, b);
  assertEquals(y.shape, [1, 2, 3]);
  assertEquals(y.arraySync(), [[[11, 22, 30], [13, 24, 32]]]);
  tf.dispose([x, w, b, y]);
});

Deno.test("feedForward is proj(gelu(fc(x))) with d → 4d → d and its gradients check", () => {
  const d = 3;
  const weights: FeedForwardWeights = {
    fcWeight: randomTensor([d, 4 * d], 1, 0.7) as tf.Tensor2D,
    fcBias: randomTensor([4 * d], 2, 0.3) as tf.Tensor1D,
    projWeight: randomTensor([4 * d, d], 3, 0.7) as tf.Tensor2D,
    projBias: randomTensor([d], 4, 0.3) as tf.Tensor1D,
  };
  const x = randomTensor([2, 2, d], 5);
  const expected = tf.tidy(() =>
    tf.add(
      tf.matMul(
        gelu(tf.add(tf.matMul(tf.reshape(x, [4, d]), weights.fcWeight), weights.fcBias)),
        weights.projWeight,
      ),
      weights.projBias,
    ).dataSync()
  );
  const y = feedForward(x, weights);
  assertEquals(y.shape, [2, 2, d]);
  y.dataSync().forEach((value, i) => assertAlmostEquals(value, expected[i], 1e-5));
  checkGradients(
    (x, fcWeight, fcBias, projWeight, projBias) =>
      weightedSum(feedForward(x, { fcWeight, fcBias, projWeight, projBias } as FeedForwardWeights)),
    [x, weights.fcWeight, weights.fcBias, weights.projWeight, weights.projBias],
    { names: ["x", "fc.weight", "fc.bias", "proj.weight", "proj.bias"] },
  );
  tf.dispose([x, y, ...Object.values(weights)]);
});
