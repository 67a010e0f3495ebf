import { UserError } from "../core/user_error.ts";
import { withCommas } from "../core/number_format.ts";

/**
 * The vocabulary law of Tao et al. (2024), "Scaling Laws with Vocabulary: Larger Models Deserve
 * Larger Vocabularies" (NeurIPS 2024), Approach 2 (derivative-based estimation): the optimal
 * vocabulary parameters N_v = V·d grow as a power of the non-vocabulary parameters N_nv,
 * N_v^opt = N_v⁰·(N_nv / N_nv⁰)^γ. The paper reports γ ≈ 0.83; the constants below
 * are those of the authors' released code (sail-sg/scaling-with-vocab, optimal_Nv_predict.py):
 * the anchor is their 33M-non-vocabulary-parameter model, whose best vocabulary was 6144 × 512.
 * Their Approach 1 (IsoFLOPs) gives nearly the same exponent, 0.4164 / 0.5 = 0.833.
 */
export const TAO_2024 = {
  anchorNonVocabParams: 33_000_000,
  anchorVocabParams: 3_145_728,
  gamma: 0.8353974035228025,
  /**
   * Tokens per character of a BPE tokenizer with vocabulary V, f(V) = a·ln²V + b·lnV + c, fitted
   * on SlimPajama in the same release (utils.py); V is capped at 200,000 there.
   */
  tokensPerCharacter: { a: 0.00639222, b: -0.15811069, c: 1.20470122 },
} as const;

/**
 * The largest vocabulary a token store holds: its ids are uint16 up to 65,536 ids and uint32 above
 * (`dtypeForVocab` in the pipeline), so 2^32. This, not uint16, is the ceiling of a recommendation.
 */
export const MAX_STORE_VOCAB = 2 ** 32;

/** Practical limits of a recommended vocabulary. */
export interface VocabRules {
  /** Special tokens on top of the 256 byte tokens; default 1 (`<|endoftext|>`). */
  specialTokens?: number;
  /** The vocabulary is a multiple of this; default 64 (aligned matmuls). 1 turns it off. */
  vocabMultiple?: number;
}

/**
 * N_v^opt for `nonVocabParams` non-vocabulary parameters (Tao et al. 2024, Approach 2).
 *
 * @example
 * ```ts
 * import { optimalVocabParams } from "./vocabulary.ts";
 * optimalVocabParams(33_000_000); // 3_145_728: the anchor itself
 * ```
 */
export function optimalVocabParams(nonVocabParams: number): number {
  return TAO_2024.anchorVocabParams *
    (nonVocabParams / TAO_2024.anchorNonVocabParams) ** TAO_2024.gamma;
}

/**
 * The smallest and largest vocabulary a byte-level tokenizer and the store allow:
 * [256 + specials, 2^32], both rounded inwards to the multiple.
 */
export function vocabBounds(rules: VocabRules = {}): { min: number; max: number } {
  const specials = rules.specialTokens ?? 1;
  const multiple = rules.vocabMultiple ?? 64;
  if (!Number.isInteger(specials) || specials < 0) {
    throw new UserError(`special tokens must be a whole number ≥ 0, got ${specials}`);
  }
  if (!Number.isInteger(multiple) || multiple < 1 || multiple > 4096) {
    throw new UserError(`vocab multiple must be a whole number from 1 to 4096, got ${multiple}`);
  }
  return {
    min: Math.ceil((256 + specials) / multiple) * multiple,
    max: Math.floor(MAX_STORE_VOCAB / multiple) * multiple,
  };
}

/** A recommended vocabulary, and what decided it: Tao et al.'s law, or a limit the law ran into. */
export interface VocabRecommendation {
  /** The vocabulary to use. */
  vocab: number;
  /** What the law says: N_v^opt / d rounded to the multiple, before any limit. */
  lawVocab: number;
  /**
   * The limit that decided instead of the law, in words (e.g. "the byte-level floor (256 bytes +
   * 1 special token, rounded up to a multiple of 64)"), or null when the law decided.
   */
  limit: string | null;
}

/**
 * The vocabulary Tao et al.'s law recommends for a model of width `modelD` with `nonVocabParams`
 * non-vocabulary parameters (N_v^opt / d, rounded to the nearest multiple), and, where it falls
 * outside `vocabBounds`, the bound that decided instead, named.
 *
 * @example
 * ```ts
 * import { vocabRecommendation } from "./vocabulary.ts";
 * vocabRecommendation(64, 49_600); // { vocab: 320, lawVocab: 192, limit: "the byte-level floor (...)" }
 * ```
 */
export function vocabRecommendation(
  modelD: number,
  nonVocabParams: number,
  rules: VocabRules = {},
): VocabRecommendation {
  const { min, max } = vocabBounds(rules);
  const multiple = rules.vocabMultiple ?? 64;
  const specials = rules.specialTokens ?? 1;
  const lawVocab = Math.round(optimalVocabParams(nonVocabParams) / modelD / multiple) * multiple;
  const rounded = (bound: number, exact: number, way: string) =>
    bound === exact ? "" : `, rounded ${way} to a multiple of ${multiple}`;
  if (lawVocab < min) {
    const tokens = `${specials} special token${specials === 1 ? "" : "s"}`;
    return {
      vocab: min,
      lawVocab,
      limit: `the byte-level floor (256 bytes + ${tokens}${rounded(min, 256 + specials, "up")})`,
    };
  }
  if (lawVocab > max) {
    return {
      vocab: max,
      lawVocab,
      limit: `the token store's ceiling (uint32 ids${rounded(max, MAX_STORE_VOCAB, "down")})`,
    };
  }
  return { vocab: lawVocab, lawVocab, limit: null };
}

/**
 * One clause for a report: what Tao et al.'s law picks for the body, or, where a limit decided,
 * the law's figure, the limit's and its name, saying that the limit decided, not the law.
 */
export function describeVocabRecommendation(advice: VocabRecommendation): string {
  if (advice.limit === null) {
    return `Tao et al. 2024 would pick ${withCommas(advice.vocab)} for this body`;
  }
  return `Tao et al. 2024's law says ${withCommas(advice.lawVocab)} for this body; ${
    withCommas(advice.vocab)
  } is ${advice.limit}, so that limit decides, not the law`;
}

/**
 * The vocabulary to use for a body: `vocabRecommendation(...).vocab`.
 *
 * @example
 * ```ts
 * import { recommendVocab } from "./vocabulary.ts";
 * recommendVocab(512, 12_597_248); // 2752 for the seed's 4-layer d = 512 body
 * ```
 */
export function recommendVocab(
  modelD: number,
  nonVocabParams: number,
  rules: VocabRules = {},
): number {
  return vocabRecommendation(modelD, nonVocabParams, rules).vocab;
}

/**
 * Tokens per character of a BPE tokenizer with vocabulary `vocab`, as Tao et al. (2024) fitted it
 * on SlimPajama: about 0.30 at V = 8000 and 0.24 at V = 50,257.
 */
export function tokensPerCharacter(vocab: number): number {
  const { a, b, c } = TAO_2024.tokensPerCharacter;
  const logVocab = Math.log(Math.min(vocab, 200_000));
  return a * logVocab ** 2 + b * logVocab + c;
}
