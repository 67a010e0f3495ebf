import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import {
  type AttentionWeights,
  cachedSelfAttention,
  causalMask,
  causalSelfAttention,
  type KeysValues,
} from "../model/gpt/ops/attention.ts";
import { assertAlmostEquals, assertEquals } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

const D = 6;
const HEADS = 2;

function weights(seed: number): AttentionWeights {
  const w = () => randomTensor([D, D], seed++, 0.5) as tf.Tensor2D;
  return { wQ: w(), wK: w(), wV: w(), wO: w() };
}

/** Plain-loop attention for one sequence x [T][D]: the equations, one head at a time. */
function referenceAttention(x: number[][], w: AttentionWeights, heads: number): number[][] {
  const [q, k, v, o] = [w.wQ, w.wK, w.wV, w.wO].map((t) => t.arraySync() as number[][]);
  const times = (a: number[][], m: number[][]) =>
    a.map((row) => m[0].map((_, j) => row.reduce((s, value, i) => s + value * m[i][j], 0)));
  const [Q, K, V] = [q, k, v].map((m) => times(x, m));
  const headDim = D / heads;
  const merged = x.map(() => new Array<number>(D).fill(0));
  for (let h = 0; h < heads; h++) {
    const cols = (row: number[]) => row.slice(h * headDim, (h + 1) * headDim);
    for (let i = 0; i < x.length; i++) {
      const scores = K.map((key, j) =>
        j <= i
          ? cols(Q[i]).reduce((s, value, c) => s + value * cols(key)[c], 0) / Math.sqrt(headDim)
          : -Infinity
      );
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let c = 0; c < headDim; c++) {
        merged[i][h * headDim + c] = exps.reduce((s, e, j) => s + (e / total) * cols(V[j])[c], 0);
      }
    }
  }
  return times(merged, o);
}

Deno.test("causalMask: 0 on and below the diagonal (shifted by the past), −1e9 above", () => {
  const mask = causalMask(2, 3);
  assertEquals(mask.arraySync(), [[0, 0, 0, 0, -1e9], [0, 0, 0, 0, 0]]);
  assertEquals(causalMask(3).arraySync(), [[0, -1e9, -1e9], [0, 0, -1e9], [0, 0, 0]]);
  mask.dispose();
});

Deno.test("causalSelfAttention equals the per-head loop of the equations", () => {
  const w = weights(1);
  const x = randomTensor([2, 4, D], 20);
  const got = causalSelfAttention(x as tf.Tensor3D, w, HEADS).arraySync() as number[][][];
  (x.arraySync() as number[][][]).forEach((sequence, b) => {
    const expected = referenceAttention(sequence, w, HEADS);
    expected.forEach((row, t) =>
      row.forEach((value, k) => assertAlmostEquals(got[b][t][k], value, 1e-5))
    );
  });
  tf.dispose([x, ...Object.values(w)]);
});

Deno.test("attention is causal: changing a later position leaves earlier outputs unchanged", () => {
  const w = weights(5);
  const x = randomTensor([1, 5, D], 21);
  const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 3, D]), randomTensor([1, 2, D], 22)], 1);
  const a = causalSelfAttention(x as tf.Tensor3D, w, HEADS).arraySync() as number[][][];
  const b = causalSelfAttention(changed as tf.Tensor3D, w, HEADS).arraySync() as number[][][];
  for (let t = 0; t < 3; t++) assertEquals(a[0][t], b[0][t]);
  tf.dispose([x, changed, ...Object.values(w)]);
});

Deno.test("cachedSelfAttention, fed a chunk then one position at a time, equals full attention", () => {
  const w = weights(9);
  const x = randomTensor([2, 6, D], 23) as tf.Tensor3D;
  const full = causalSelfAttention(x, w, HEADS).arraySync() as number[][][];
  let past: KeysValues | null = null;
  const pieces: number[][][][] = [];
  for (const [start, length] of [[0, 3], [3, 1], [4, 1], [5, 1]]) {
    const chunk = tf.slice(x, [0, start, 0], [2, length, D]) as tf.Tensor3D;
    const result = cachedSelfAttention(chunk, w, HEADS, past);
    if (past) tf.dispose([past.keys, past.values]);
    past = { keys: result.keys, values: result.values };
    pieces.push(result.output.arraySync() as number[][][]);
    tf.dispose([chunk, result.output]);
  }
  assertEquals(past!.keys.shape, [2, HEADS, D / HEADS, 6]);
  assertEquals(past!.values.shape, [2, HEADS, 6, D / HEADS]);
  for (let b = 0; b < 2; b++) {
    const rows = pieces.flatMap((piece) => piece[b]);
    rows.forEach((row, t) =>
      row.forEach((value, k) => assertAlmostEquals(value, full[b][t][k], 1e-5))
    );
  }
  tf.dispose([x, past!.keys, past!.values, ...Object.values(w)]);
});

Deno.test("causalSelfAttention gradients (x, W_q, W_k, W_v, W_o) match finite differences", () => {
  const w = weights(13);
  const x = randomTensor([2, 3, D], 24);
  checkGradients(
    (x, wQ, wK, wV, wO) =>
      weightedSum(
        causalSelfAttention(x as tf.Tensor3D, { wQ, wK, wV, wO } as AttentionWeights, HEADS),
      ),
    [x, w.wQ, w.wK, w.wV, w.wO],
    { names: ["x", "w_q", "w_k", "w_v", "w_o"] },
  );
  tf.dispose([x, ...Object.values(w)]);
});
