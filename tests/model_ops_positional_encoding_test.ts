import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { positionalEncoding, sinusoidalTable } from "../model/gpt/ops/positional_encoding.ts";
import { assertAlmostEquals, assertEquals } from "./assert.ts";

await initBackend("cpu");

Deno.test("sinusoidal encoding: sin on even dims, cos on odd dims, frequency 1/10000^(2i/d)", () => {
  const d = 6;
  const table = sinusoidalTable(4, d);
  for (let pos = 0; pos < 4; pos++) {
    for (let i = 0; i < d / 2; i++) {
      const angle = pos / 10000 ** ((2 * i) / d);
      assertAlmostEquals(table[pos * d + 2 * i], Math.sin(angle), 1e-7);
      assertAlmostEquals(table[pos * d + 2 * i + 1], Math.cos(angle), 1e-7);
    }
  }
  // Position 0 is (0, 1, 0, 1, ...).
  assertEquals(Array.from(table.slice(0, d)), [0, 1, 0, 1, 0, 1]);
  // Hand-computed: PE(1, 0) = sin 1, PE(1, 1) = cos 1, PE(3, 2) = sin(3 / 10000^(1/3)).
  assertAlmostEquals(table[d], 0.8414709848, 1e-7);
  assertAlmostEquals(table[d + 1], 0.5403023059, 1e-7);
  assertAlmostEquals(table[3 * d + 2], Math.sin(3 / 21.5443469), 1e-6);
});

Deno.test("an offset window equals the same rows of a longer table", () => {
  const full = sinusoidalTable(10, 8);
  assertEquals(sinusoidalTable(3, 8, 7), full.slice(7 * 8));
  const tensor = positionalEncoding(3, 8, 7);
  assertEquals(tensor.shape, [3, 8]);
  assertEquals(tensor.dataSync(), full.slice(7 * 8));
  tensor.dispose();
});

Deno.test("odd model_d: the last (sin) dimension uses its pair's frequency", () => {
  const table = sinusoidalTable(2, 5);
  assertAlmostEquals(table[5 + 4], Math.sin(1 / 10000 ** (4 / 5)), 1e-7);
});

Deno.test("positionalEncoding creates one tensor and no others", () => {
  const before = tf.memory().numTensors;
  const pe = positionalEncoding(4, 4);
  assertEquals(tf.memory().numTensors, before + 1);
  pe.dispose();
});
