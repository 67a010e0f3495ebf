import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { embedTokens } from "../model/gpt/ops/embedding.ts";
import { assertAlmostEquals } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

Deno.test("embedTokens looks up rows and scales them by sqrt(model_d)", () => {
  const table = randomTensor([5, 4], 1);
  const ids = tf.tensor2d([[3, 0], [3, 4]], [2, 2], "int32");
  const out = embedTokens(table as tf.Tensor2D, ids);
  const rows = table.arraySync() as number[][];
  const got = out.arraySync() as number[][][];
  [[3, 0], [3, 4]].forEach((row, b) =>
    row.forEach((id, t) =>
      rows[id].forEach((value, k) => assertAlmostEquals(got[b][t][k], value * 2, 1e-6))
    )
  );
  tf.dispose([table, ids, out]);
});

Deno.test("embedTokens gradient matches finite differences (repeated ids accumulate)", () => {
  const table = randomTensor([5, 4], 2);
  const ids = tf.tensor2d([[1, 1, 4], [0, 1, 2]], [2, 3], "int32");
  checkGradients((t) => weightedSum(embedTokens(t as tf.Tensor2D, ids)), [table]);
  tf.dispose([table, ids]);
});
