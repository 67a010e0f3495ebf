import { UserError } from "../core/user_error.ts";

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

/** The largest vocabulary uint16 token shards can hold, as the recommendation's upper limit. */
export const MAX_RECOMMENDED_VOCAB = 65_535;

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

/** The smallest and largest vocabulary the rules allow: [256 + specials, 65,535], both multiples. */
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
    max: Math.floor(MAX_RECOMMENDED_VOCAB / multiple) * multiple,
  };
}

/**
 * The vocabulary Tao et al.'s law recommends for a model of width `modelD` with `nonVocabParams`
 * non-vocabulary parameters: N_v^opt / d, rounded to the nearest multiple and kept within
 * `vocabBounds`.
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
  const { min, max } = vocabBounds(rules);
  const multiple = rules.vocabMultiple ?? 64;
  const vocab = Math.round(optimalVocabParams(nonVocabParams) / modelD / multiple) * multiple;
  return Math.min(max, Math.max(min, vocab));
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
