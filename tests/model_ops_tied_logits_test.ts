import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { tiedLogits } from "../model/gpt/ops/tied_logits.ts";
import { assertAlmostEquals, assertEquals } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

Deno.test("tiedLogits: logit v of a position is its dot product with embedding row v", () => {
  const x = randomTensor([2, 3, 4], 1);
  const embed = randomTensor([5, 4], 2);
  const logits = tiedLogits(x as tf.Tensor3D, embed as tf.Tensor2D);
  assertEquals(logits.shape, [2, 3, 5]);
  const xs = x.arraySync() as number[][][];
  const rows = embed.arraySync() as number[][];
  const got = logits.arraySync() as number[][][];
  xs.forEach((sequence, b) =>
    sequence.forEach((vector, t) =>
      rows.forEach((row, v) =>
        assertAlmostEquals(got[b][t][v], row.reduce((s, e, k) => s + e * vector[k], 0), 1e-5)
      )
    )
  );
  tf.dispose([x, embed, logits]);
});

Deno.test("tiedLogits gradients (x and the embedding) match finite differences", () => {
  const x = randomTensor([2, 2, 3], 3);
  const embed = randomTensor([4, 3], 4);
  checkGradients(
    (x, e) => weightedSum(tiedLogits(x as tf.Tensor3D, e as tf.Tensor2D)),
    [x, embed],
    {
      names: ["x", "embed"],
    },
  );
  tf.dispose([x, embed]);
});
