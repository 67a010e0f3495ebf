import { UserError } from "../core/user_error.ts";
import { type LawName, type ScalingLaw, scalingLaw } from "./laws.ts";
import { tokensForParams } from "./frontier.ts";
import { effectiveTokens } from "./data_constrained.ts";
import { type LossPrediction, predictLossFor } from "./loss_prediction.ts";
import { DEFAULT_CTX, type FlopsPerToken, flopsPerToken } from "./flops.ts";
import { type Block, type ParamBreakdown, paramBreakdown } from "./params.ts";
import { defaultHeads } from "./heads.ts";
import { type VocabRecommendation, vocabRecommendation, type VocabRules } from "./vocabulary.ts";
import type { ModelConfig } from "./search.ts";

/** One configuration to describe; heads and vocabulary may be left to the defaults. */
export interface ConfigQuery extends VocabRules {
  /** Blocks. */
  layers: number;
  /** Width d. */
  modelD: number;
  /** Default: Tao et al.'s recommendation for this body. */
  vocab?: number;
  /** Default: `defaultHeads(modelD)`. */
  heads?: number;
  /** Default `"original"`. */
  block?: Block;
  /** Context length for the Appendix F FLOPs; default 128. */
  ctx?: number;
  /** Default `"chinchilla"`. */
  law?: LawName;
  /** Optional unique train tokens, to predict this model's loss on them. */
  tokens?: number;
  /** Passes over `tokens`; default 1. */
  epochs?: number;
}

/** What `deno task size --model-d D ...` prints. */
export interface ConfigReport {
  /** The law the budget and loss come from. */
  law: ScalingLaw;
  /** The configuration with its exact parameter count. */
  model: ModelConfig;
  /** Where the parameters sit. */
  breakdown: ParamBreakdown;
  /** Training FLOPs per token, 6N and Appendix F. */
  flopsPerToken: FlopsPerToken;
  /** Tao et al.'s vocabulary for this body (= `vocabRecommendation.vocab`). */
  vocabRecommended: number;
  /** The law's own figure for the body and the limit that decided instead of it, if any. */
  vocabRecommendation: VocabRecommendation;
  /** The token budget for which this model is compute-optimal under `law`. */
  optimalTokens: number;
  /** The FLOP budget at which this model is compute-optimal under `law`. */
  optimalFlops: number;
  /** Present when tokens were given. */
  onTokens?: {
    tokens: number;
    epochs: number;
    tokensSeen: number;
    effectiveTokens: number;
    tokensPerParam: number;
    trainingFlops: { sixN: number; appendixF: number };
    /** Null when no prediction is made (`prediction.withheld` says why). */
    predictedLoss: number | null;
    predictedPerplexity: number | null;
    /** The whole prediction, with whether it extrapolates and why it may be withheld. */
    prediction: LossPrediction;
  };
}

/**
 * The exact count and FLOPs of one micro_gpt, the token budget it is compute-optimal for, and,
 * given tokens, its predicted loss on them.
 *
 * @example
 * ```ts
 * import { describeConfig } from "./config_report.ts";
 * describeConfig({ layers: 4, modelD: 512, vocab: 9000 }).model.params; // 17_205_248
 * ```
 */
export function describeConfig(query: ConfigQuery): ConfigReport {
  const law = scalingLaw(query.law ?? "chinchilla");
  const block = query.block ?? "original";
  const body = paramBreakdown({ layers: query.layers, modelD: query.modelD, vocab: 1, block });
  const vocabAdvice = vocabRecommendation(query.modelD, body.nonVocab, query);
  const vocab = query.vocab ?? vocabAdvice.vocab;
  const breakdown = paramBreakdown({ layers: query.layers, modelD: query.modelD, vocab, block });
  const heads = query.heads ?? defaultHeads(query.modelD);
  const perToken = flopsPerToken({ ...query, vocab, heads, block, ctx: query.ctx ?? DEFAULT_CTX });
  const params = breakdown.total;
  const report: ConfigReport = {
    law,
    model: { layers: query.layers, modelD: query.modelD, heads, vocab, params, block },
    breakdown,
    flopsPerToken: perToken,
    vocabRecommended: vocabAdvice.vocab,
    vocabRecommendation: vocabAdvice,
    optimalTokens: tokensForParams(law.frontier, params),
    optimalFlops: law.frontier.computeForParams(params),
  };
  if (query.tokens !== undefined) {
    const epochs = query.epochs ?? 1;
    if (!Number.isFinite(query.tokens) || query.tokens <= 0) {
      throw new UserError(`tokens must be a positive number, got ${query.tokens}`);
    }
    if (!Number.isFinite(epochs) || epochs < 1) {
      throw new UserError(`epochs must be at least 1, got ${epochs}`);
    }
    const tokensSeen = query.tokens * epochs;
    const prediction = predictLossFor(law.lossFit, {
      params,
      tokensSeen,
      uniqueTokens: query.tokens,
      vocab,
    });
    report.onTokens = {
      tokens: query.tokens,
      epochs,
      tokensSeen,
      effectiveTokens: effectiveTokens(tokensSeen, query.tokens),
      tokensPerParam: tokensSeen / params,
      trainingFlops: {
        sixN: perToken.sixN * tokensSeen,
        appendixF: perToken.appendixF * tokensSeen,
      },
      predictedLoss: prediction.loss,
      predictedPerplexity: prediction.perplexity,
      prediction,
    };
  }
  return report;
}
