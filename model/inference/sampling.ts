import { UserError } from "../../core/user_error.ts";
import type { Random } from "../gpt/random.ts";

/** How the next token is drawn from the model's logits. */
export interface SamplingOptions {
  /** Divides the logits; 0 = greedy (always the most likely token). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 or undefined = all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus sampling,
   *  Holtzman et al. 2020, "The Curious Case of Neural Text Degeneration", section 3.1); 1 = all. */
  topP?: number;
}

/** Throws a `UserError` naming the flag (`--temperature`, `--top-k`, `--top-p`) for a bad value. */
export function validateSampling(options: SamplingOptions): void {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new UserError(`--temperature: must be a number ≥ 0 (0 = greedy), got ${temperature}`);
  }
  if (!(Number.isInteger(topK) && topK >= 0)) {
    throw new UserError(`--top-k: must be a whole number ≥ 0 (0 = no limit), got ${topK}`);
  }
  if (!(topP > 0 && topP <= 1)) {
    throw new UserError(`--top-p: must be in (0, 1] (1 = no limit), got ${topP}`);
  }
}

/**
 * Draws a token id from `logits` (one row over the vocabulary): greedy at temperature 0 (ties go to
 * the lowest id); otherwise softmax(logits / temperature) restricted to the top-k tokens and then to
 * the top-p nucleus, sampled with one `random.next()`. Computed in float64; deterministic for a
 * given generator state.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  random: Random,
): number {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  if (temperature === 0) return argmax(logits);
  const vocab = logits.length;
  // Candidates in descending order of logit; sorting is needed only when a filter applies.
  let candidates: number[];
  if ((topK > 0 && topK < vocab) || topP < 1) {
    candidates = Array.from({ length: vocab }, (_, i) => i).sort((a, b) =>
      logits[b] - logits[a] || a - b
    );
    if (topK > 0) candidates.length = Math.min(topK, vocab);
  } else {
    candidates = Array.from({ length: vocab }, (_, i) => i);
  }
  let max = -Infinity;
  for (const id of candidates) max = Math.max(max, logits[id]);
  const weights = candidates.map((id) => Math.exp((logits[id] - max) / temperature));
  let total = weights.reduce((sum, w) => sum + w, 0);
  if (topP < 1) {
    // Candidates are sorted: keep the shortest prefix whose share of the mass reaches p.
    let kept = 0;
    let mass = 0;
    while (kept < weights.length && mass < topP * total) mass += weights[kept++];
    candidates.length = weights.length = Math.max(kept, 1);
    total = mass;
  }
  let target = random.next() * total;
  for (let i = 0; i < candidates.length; i++) {
    target -= weights[i];
    if (target < 0) return candidates[i];
  }
  return candidates[candidates.length - 1]; // rounding left a sliver of mass: the last candidate
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
