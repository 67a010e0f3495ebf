import {
  learningRate,
  validateSchedule,
  type WarmupCosineSchedule,
} from "../model/train/schedule.ts";
import { UserError } from "../core/user_error.ts";
import { assertAlmostEquals, assertThrows } from "./assert.ts";

// The seed's exp1 schedule: optax.warmup_cosine_decay_schedule(0, 5e-4, 100, 7600, 1e-5).
const exp1: WarmupCosineSchedule = {
  initValue: 0,
  peakValue: 5e-4,
  warmupSteps: 100,
  decaySteps: 7600,
  endValue: 1e-5,
};

Deno.test("warmup is linear from init to peak, and the first update (count 0) uses init", () => {
  assertAlmostEquals(learningRate(exp1, 0), 0, 1e-15);
  assertAlmostEquals(learningRate(exp1, 1), 5e-6, 1e-15); // 5e-4 * 1/100
  assertAlmostEquals(learningRate(exp1, 50), 2.5e-4, 1e-15);
  assertAlmostEquals(learningRate(exp1, 99), 4.95e-4, 1e-15);
  const shifted = { ...exp1, initValue: 1e-4 };
  assertAlmostEquals(learningRate(shifted, 25), 1e-4 + (5e-4 - 1e-4) * 0.25, 1e-15);
});

Deno.test("cosine from peak at the end of warmup to end at decay steps, then flat", () => {
  // alpha = 1e-5 / 5e-4 = 0.02; lr = 5e-4 * (0.98 * 0.5 * (1 + cos(pi * c / 7500)) + 0.02), c = count - 100.
  assertAlmostEquals(learningRate(exp1, 100), 5e-4, 1e-15); // c = 0: cos 0 = 1
  assertAlmostEquals(learningRate(exp1, 2600), 5e-4 * (0.98 * 0.75 + 0.02), 1e-15); // cos(pi/3) = 1/2
  assertAlmostEquals(learningRate(exp1, 3850), 5e-4 * (0.98 * 0.5 + 0.02), 1e-15); // cos(pi/2) = 0
  assertAlmostEquals(learningRate(exp1, 5100), 5e-4 * (0.98 * 0.25 + 0.02), 1e-15); // cos(2pi/3) = -1/2
  assertAlmostEquals(learningRate(exp1, 7600), 1e-5, 1e-15);
  assertAlmostEquals(learningRate(exp1, 20000), 1e-5, 1e-15);
});

Deno.test("exp2's schedule and the cosine exponent", () => {
  const exp2 = { ...exp1, decaySteps: 20000 };
  // c = 9950 - 100 = 9850 of 19900 steps: not a round angle, so compute the cosine here from the formula.
  const cosine = 0.5 * (1 + Math.cos(Math.PI * 9850 / 19900));
  assertAlmostEquals(learningRate(exp2, 9950), 5e-4 * (0.98 * cosine + 0.02), 1e-15);
  const squared = { ...exp1, exponent: 2 };
  assertAlmostEquals(learningRate(squared, 3850), 5e-4 * (0.98 * 0.25 + 0.02), 1e-15);
});

Deno.test("validateSchedule names the flag at fault", () => {
  validateSchedule(exp1);
  assertThrows(() => validateSchedule({ ...exp1, peakValue: 0 }), UserError, "--lr");
  assertThrows(() => validateSchedule({ ...exp1, decaySteps: 100 }), UserError, "--decay-steps");
  assertThrows(() => validateSchedule({ ...exp1, warmupSteps: 1.5 }), UserError, "--warmup");
  assertThrows(() => validateSchedule({ ...exp1, endValue: -1 }), UserError, "--end-lr");
});
