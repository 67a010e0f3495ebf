import { UserError } from "../../core/user_error.ts";

/** The learning-rate schedule of the microGPT study: optax's `warmup_cosine_decay_schedule`. */
export interface WarmupCosineSchedule {
  /** Learning rate at count 0 (the seed: 0). */
  initValue: number;
  /** Learning rate reached at the end of the warmup (`--lr`). */
  peakValue: number;
  /** Steps of the linear warmup from `initValue` to `peakValue`. */
  warmupSteps: number;
  /** Step at which the cosine reaches `endValue` (counted from 0, warmup included). */
  decaySteps: number;
  /** Learning rate from `decaySteps` on. */
  endValue: number;
  /** Exponent of the cosine factor (optax's default 1). */
  exponent?: number;
}

/**
 * Checks a schedule the way a user gets it from flags, so a bad value is a `UserError` naming the flag
 * rather than a NaN learning rate a thousand steps later.
 */
export function validateSchedule(schedule: WarmupCosineSchedule): void {
  const { peakValue, warmupSteps, decaySteps, endValue, initValue } = schedule;
  if (!(peakValue > 0)) {
    throw new UserError(`--lr: the peak learning rate must be > 0, got ${peakValue}`);
  }
  if (!(initValue >= 0)) {
    throw new UserError(`the initial learning rate must be >= 0, got ${initValue}`);
  }
  if (!(endValue >= 0)) throw new UserError(`--end-lr: must be >= 0, got ${endValue}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
    throw new UserError(`--warmup: expected a whole number >= 0, got ${warmupSteps}`);
  }
  if (!Number.isInteger(decaySteps) || decaySteps <= warmupSteps) {
    throw new UserError(
      `--decay-steps: must be a whole number larger than --warmup (${warmupSteps}), got ${decaySteps}`,
    );
  }
}

/**
 * The learning rate for the update made after `count` earlier updates (optax counts from 0, so the very first
 * update uses `learningRate(s, 0)` = `initValue`).
 *
 * As optax's `warmup_cosine_decay_schedule` builds it, with `join_schedules` at the boundary `warmupSteps`:
 * - `count < warmupSteps`: `linear_schedule(init, peak, warmupSteps)`:
 *   `init + (peak - init) * count / warmupSteps`;
 * - otherwise `cosine_decay_schedule(peak, decaySteps - warmupSteps, alpha = end / peak)` at
 *   `c = min(count - warmupSteps, decaySteps - warmupSteps)`:
 *   `peak * ((1 - alpha) * (0.5 * (1 + cos(pi * c / (decaySteps - warmupSteps))))^exponent + alpha)`.
 *
 * @example
 * ```ts
 * const s = { initValue: 0, peakValue: 5e-4, warmupSteps: 100, decaySteps: 7600, endValue: 1e-5 };
 * learningRate(s, 50); // 2.5e-4
 * ```
 */
export function learningRate(schedule: WarmupCosineSchedule, count: number): number {
  const { initValue, peakValue, warmupSteps, decaySteps, endValue, exponent = 1 } = schedule;
  if (count < warmupSteps) {
    // optax linear_schedule: (init - end) * (1 - count / steps) + end, written so it is exact at both ends.
    const fraction = 1 - count / warmupSteps;
    return (initValue - peakValue) * fraction + peakValue;
  }
  const cosineSteps = decaySteps - warmupSteps;
  const alpha = endValue / peakValue;
  const c = Math.min(count - warmupSteps, cosineSteps);
  const cosine = 0.5 * (1 + Math.cos(Math.PI * c / cosineSteps));
  return peakValue * ((1 - alpha) * cosine ** exponent + alpha);
}
