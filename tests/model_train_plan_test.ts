import { PRESETS } from "../model/train/presets.ts";
import { chooseModelForStore } from "../model/train/size_choice.ts";
import { chooseModel } from "../scaling/mod.ts";
import { planTraining, resumePlan, type SizeChoice } from "../model/train/plan.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";

const store = { path: "data/x", vocabSize: 8000, trainTokens: 1_000_000 };
const never = (): SizeChoice => {
  throw new Error("chooseSize must not be called");
};

Deno.test("--preset exp2 reproduces the microGPT study's second run; flags override single values", () => {
  const plan = planTraining({ preset: "exp2" }, store, never);
  assertEquals(plan.config, {
    layers: 4,
    modelD: 384,
    heads: 12,
    vocab: 8000,
    ctx: 128,
    block: "original",
  });
  assertEquals(plan.batch, 64);
  assertEquals(plan.schedule, {
    initValue: 0,
    peakValue: 5e-4,
    warmupSteps: 100,
    decaySteps: 20000,
    endValue: 1e-5,
    exponent: 1,
  });
  assertEquals([plan.weightDecay, plan.clip], [0.01, 1]);
  // 100 epochs of 1e6 tokens at 64 × 128 tokens per step.
  assertEquals(plan.steps, Math.ceil(100 * 1e6 / (64 * 128)));
  const changed = planTraining({ preset: "exp2", heads: 6, lr: 1e-3, steps: 50 }, store, never);
  assertEquals([changed.config.heads, changed.schedule.peakValue, changed.steps], [6, 1e-3, 50]);
  assertEquals(PRESETS.exp1.modelD, 512);
});

Deno.test("a preset's vocabulary must be the store's", () => {
  assertThrows(
    () => planTraining({ preset: "exp1" }, store, never),
    UserError,
    "--preset exp1 (vocab 9000)",
  );
  const plan = planTraining({ preset: "exp1" }, { ...store, vocabSize: 9000 }, never);
  assertEquals([plan.config.modelD, plan.config.heads, plan.batch, plan.schedule.decaySteps], [
    512,
    8,
    128,
    7600,
  ]);
});

Deno.test("no size flags: chooseSize decides from the store's tokens and the epochs, and says why", () => {
  const lines: string[] = [];
  let asked: unknown;
  const plan = planTraining({ epochs: 3, batch: 8, layers: 2 }, store, (facts) => {
    asked = facts;
    return { layers: 4, modelD: 96, heads: 2, explanation: "because" };
  }, (line) => lines.push(line));
  assertEquals(asked, { trainTokens: 1_000_000, epochs: 3, vocab: 8000 });
  assertEquals(lines, ["because"]);
  assertEquals([plan.config.layers, plan.config.modelD, plan.config.heads], [2, 96, 2]);
  // No preset: the cosine ends at the last step, warmup is min(100, steps / 10).
  assertEquals(plan.steps, Math.ceil(3 * 1e6 / (8 * 128)));
  assertEquals(plan.schedule.decaySteps, plan.steps);
  assertEquals(plan.schedule.warmupSteps, 100);
  const short = planTraining({ steps: 30, layers: 1, modelD: 32, heads: 1 }, store, never);
  assertEquals([short.schedule.warmupSteps, short.schedule.decaySteps, short.evalEvery], [
    3,
    30,
    3,
  ]);
});

Deno.test("bad flags are UserErrors naming the flag", () => {
  const size = { layers: 1, modelD: 32, heads: 1 };
  assertThrows(
    () => planTraining({ ...size, heads: 5 }, store, never),
    UserError,
    "not divisible by heads",
  );
  assertThrows(() => planTraining({ ...size, batch: 0 }, store, never), UserError, "--batch");
  assertThrows(
    () => planTraining({ ...size, warmup: 500, decaySteps: 100 }, store, never),
    UserError,
    "--decay-steps",
  );
  assertThrows(() => planTraining({ ...size, clip: -1 }, store, never), UserError, "--clip");
  assertThrows(
    () => planTraining({ ...size, preset: "exp3" }, store, never),
    UserError,
    "--preset",
  );
});

Deno.test("resume keeps the model and seed, takes new lengths and optimisation settings", () => {
  const plan = planTraining({ layers: 1, modelD: 32, heads: 1, steps: 100 }, store, never);
  const { plan: longer, changes } = resumePlan(plan, { steps: 200, lr: 1e-4 }, 1e6, "x.json");
  assertEquals([longer.steps, longer.schedule.peakValue, longer.config], [200, 1e-4, plan.config]);
  assertEquals(changes, ["--steps: 100 -> 200", "--lr: 0.0005 -> 0.0001"]);
  assertEquals(resumePlan(plan, { modelD: 32, seed: 0 }, 1e6, "x.json").changes, []);
  assertThrows(() => resumePlan(plan, { heads: 2 }, 1e6, "x.json"), UserError, "--heads 2");
  assertThrows(() => resumePlan(plan, { seed: 4 }, 1e6, "x.json"), UserError, "--seed 4");
  assertThrows(() => resumePlan(plan, { preset: "exp2" }, 1e6, "x.json"), UserError, "--preset");
});

Deno.test("chooseModelForStore asks the scaling laws with the store's vocabulary; below an epoch, the tokens read", () => {
  const full = chooseModelForStore({ trainTokens: 50e6, epochs: 2, vocab: 8000 });
  const law = chooseModel({ trainTokens: 50e6, epochs: 2, vocab: 8000 });
  assertEquals([full.layers, full.modelD, full.heads], [law.layers, law.modelD, law.heads]);
  assert(full.explanation.startsWith("model size from the scaling laws"), full.explanation);
  assert(full.explanation.includes(law.explanation));
  const half = chooseModelForStore({ trainTokens: 50e6, epochs: 0.5, vocab: 8000 });
  const read = chooseModel({ trainTokens: 25e6, epochs: 1, vocab: 8000 });
  assertEquals([half.layers, half.modelD, half.heads], [read.layers, read.modelD, read.heads]);
});
