import { Random } from "../model/gpt/random.ts";
import {
  sampleToken,
  type SamplingOptions,
  validateSampling,
} from "../model/inference/sampling.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";

// Token 2 has p = 0.5, token 3 has 0.3, token 0 has 0.15, token 1 has 0.05; the logits are log p
// (softmax recovers p), shifted by a constant, which softmax ignores.
const P_OF_TOKEN = [0.15, 0.05, 0.5, 0.3];
const LOGITS = Float32Array.from(P_OF_TOKEN.map((p) => Math.log(p) + 7));

function frequencies(options: SamplingOptions, draws = 40_000, logits = LOGITS): number[] {
  const random = new Random(11);
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampleToken(logits, options, random)]++;
  return counts.map((count) => count / draws);
}

function expectFrequencies(observed: number[], expected: number[]): void {
  // 40,000 draws: standard error ≤ 0.0025; allow 4 of them.
  expected.forEach((p, i) => assertAlmostEquals(observed[i], p, 0.01, `token ${i}`));
}

Deno.test("temperature 0 is greedy; ties go to the lowest id", () => {
  const random = new Random(0);
  assertEquals(sampleToken(LOGITS, { temperature: 0 }, random), 2);
  assertEquals(sampleToken([1, 5, 5, 2], { temperature: 0 }, random), 1);
  assertEquals(random.state(), new Random(0).state(), "greedy draws no random numbers");
});

Deno.test("temperature 1 samples the softmax of the logits", () => {
  expectFrequencies(frequencies({ temperature: 1 }), P_OF_TOKEN);
});

Deno.test("temperature T samples softmax(logits / T)", () => {
  const sharpened = P_OF_TOKEN.map((p) => p ** 2);
  const total = sharpened.reduce((a, b) => a + b, 0);
  expectFrequencies(frequencies({ temperature: 0.5 }), sharpened.map((p) => p / total));
});

Deno.test("top-k keeps the k most likely tokens, renormalised", () => {
  expectFrequencies(frequencies({ topK: 2 }), [0, 0, 0.5 / 0.8, 0.3 / 0.8]);
  expectFrequencies(frequencies({ topK: 1, temperature: 3 }), [0, 0, 1, 0]);
  expectFrequencies(frequencies({ topK: 10 }), P_OF_TOKEN); // k ≥ vocab: no limit
});

Deno.test("top-p keeps the smallest most-likely set whose mass reaches p", () => {
  expectFrequencies(frequencies({ topP: 0.8 }), [0, 0, 0.5 / 0.8, 0.3 / 0.8]); // 0.5 + 0.3 = 0.8
  expectFrequencies(frequencies({ topP: 0.81 }), [0.15 / 0.95, 0, 0.5 / 0.95, 0.3 / 0.95]);
  expectFrequencies(frequencies({ topP: 0.1 }), [0, 0, 1, 0]); // always at least one token
  expectFrequencies(frequencies({ topK: 3, topP: 0.9 }), [0.15 / 0.95, 0, 0.5 / 0.95, 0.3 / 0.95]);
});

Deno.test("the same generator state draws the same tokens", () => {
  const draw = () => {
    const random = new Random(5);
    return Array.from({ length: 20 }, () => sampleToken(LOGITS, { topP: 0.9 }, random));
  };
  assertEquals(draw(), draw());
  assert(new Set(draw()).size > 1, "not constant");
});

Deno.test("bad sampling values are UserErrors naming the flag", () => {
  assertThrows(() => validateSampling({ topP: 2 }), UserError, "--top-p: must be in (0, 1]");
  assertThrows(() => validateSampling({ topP: 0 }), UserError, "--top-p");
  assertThrows(() => validateSampling({ temperature: -1 }), UserError, "--temperature");
  assertThrows(() => validateSampling({ temperature: NaN }), UserError, "--temperature");
  assertThrows(() => validateSampling({ topK: 1.5 }), UserError, "--top-k");
  validateSampling({ temperature: 0, topK: 0, topP: 1 });
});
