import { UserError } from "../core/user_error.ts";
import { plural } from "../core/plural.ts";
import { type LawName, type ScalingLaw, scalingLaw } from "./laws.ts";
import { paramsForTokens } from "./frontier.ts";
import { effectiveTokens } from "./data_constrained.ts";
import { predictLossFor } from "./loss_prediction.ts";
import { DEFAULT_CTX, type FlopsPerToken, flopsPerToken } from "./flops.ts";
import { paramBreakdown } from "./params.ts";
import {
  describeVocabRecommendation,
  type VocabRecommendation,
  vocabRecommendation,
} from "./vocabulary.ts";
import {
  closestConfig,
  configAt,
  type ConfigRules,
  type ModelConfig,
  WIDTH_STEP,
} from "./search.ts";
import { compact, fixed, perplexity, scientific, withCommas } from "../core/number_format.ts";

/** Options of `planForTokens` and `planForCompute`. */
export interface PlanOptions extends ConfigRules {
  /** Default `"chinchilla"`. */
  law?: LawName;
  /** Passes over the unique train tokens; default 1. Only for a token budget. */
  epochs?: number;
  /** Context length for the Appendix F FLOPs; default 128. */
  ctx?: number;
  /** Below the smallest micro_gpt, return it instead of throwing. Default false. */
  clampToSmallest?: boolean;
  /** Names the budget in error messages, e.g. "--tokens 1000". */
  budgetLabel?: string;
}

/** A neighbouring width, so the user sees the trade-off. */
export interface Alternative extends ModelConfig {
  /** Tokens seen per parameter with the plan's tokens. */
  tokensPerParam: number;
  /** 6·N·D training FLOPs with the plan's tokens. */
  flops: number;
  /** Predicted loss with the plan's tokens (more parameters: more FLOPs); null: none is made. */
  predictedLoss: number | null;
  /** Predicted loss when it spends the chosen model's FLOPs instead (more parameters: fewer
   * tokens); null when none is made. */
  predictedLossSameFlops: number | null;
}

/** What the size task prints: the budget, the law's optimum, the chosen micro_gpt and its neighbours. */
export interface SizePlan {
  /** The law that sized the model. */
  law: ScalingLaw;
  /** Whether the budget was given as tokens or as FLOPs. */
  budget: "tokens" | "flops";
  /** Unique train tokens U (for a FLOP budget: the law's compute-optimal tokens). */
  tokens: number;
  /** Passes over the unique tokens. */
  epochs: number;
  /** U × epochs: tokens the training processes. */
  tokensSeen: number;
  /** What the seen tokens are worth in fresh ones (Muennighoff et al. 2023); = tokensSeen at 1 epoch. */
  effectiveTokens: number;
  /** The law's compute-optimal parameter count for the effective tokens (or the FLOP budget). */
  paramsOptimal: number;
  /** The FLOP budget given, or 6 · paramsOptimal · tokensSeen for a token budget. */
  flops: number;
  /** The chosen micro_gpt. */
  model: ModelConfig;
  /** The layers asked for (the model has fewer only when the budget is below model_d 64). */
  requestedLayers: number;
  /** Whether `model.vocab` was fixed by the caller or picked by Tao et al.'s law. */
  vocabSource: "fixed" | "law";
  /** Tao et al.'s vocabulary for the model's body, shown even when the vocabulary was fixed
   * (= `vocabRecommendation.vocab`). */
  vocabRecommended: number;
  /** The law's own figure for the body and the limit that decided instead of it, if any. */
  vocabRecommendation: VocabRecommendation;
  /** Training FLOPs per token of the chosen model. */
  flopsPerToken: FlopsPerToken;
  /** Training FLOPs of the chosen model over `tokensSeen`. */
  trainingFlops: { sixN: number; appendixF: number };
  /** Tokens seen per parameter of the chosen model. */
  tokensPerParam: number;
  /** Effective (fresh-equivalent) tokens per parameter. */
  effectiveTokensPerParam: number;
  /** Nats per token from `law.lossFit` in Muennighoff et al.'s data-constrained form; null when
   * the figure could not be true of this run (see `predictLossFor`). */
  predictedLoss: number | null;
  /** exp(predictedLoss), or null. */
  predictedPerplexity: number | null;
  /** True when the model is smaller than any the loss fit was made on. */
  extrapolated: boolean;
  /** Why no loss is predicted (null when one is). */
  lossWithheld: string | null;
  /** The chosen width and up to two narrower and two wider ones. */
  alternatives: Alternative[];
  /** One paragraph: why this model. */
  explanation: string;
}

/**
 * Sizes a micro_gpt for `tokens` unique train tokens seen `epochs` times: the law's compute-optimal
 * parameter count for the effective tokens (Muennighoff et al. 2023), the closest micro_gpt with
 * its exact count, the predicted loss, and the neighbouring widths.
 *
 * @example
 * ```ts
 * import { planForTokens } from "./plan.ts";
 * const plan = planForTokens(1e9);
 * plan.model.modelD; // 960
 * ```
 */
export function planForTokens(tokens: number, options: PlanOptions = {}): SizePlan {
  positive("tokens", tokens);
  const epochs = options.epochs ?? 1;
  if (!Number.isFinite(epochs) || epochs < 1) {
    throw new UserError(`epochs must be at least 1, got ${epochs}`);
  }
  const law = scalingLaw(options.law ?? "chinchilla");
  const tokensSeen = tokens * epochs;
  const effective = effectiveTokens(tokensSeen, tokens);
  const paramsOptimal = paramsForTokens(law.frontier, effective);
  return buildPlan(law, {
    budget: "tokens",
    tokens,
    epochs,
    tokensSeen,
    effectiveTokens: effective,
    paramsOptimal,
    flops: 6 * paramsOptimal * tokensSeen,
  }, options);
}

/**
 * Sizes a micro_gpt for a budget of `flops` training FLOPs: the law's N_opt(C) and D_opt(C), the
 * closest micro_gpt, its predicted loss and its neighbours. One epoch over D_opt(C) fresh tokens.
 */
export function planForCompute(flops: number, options: PlanOptions = {}): SizePlan {
  positive("flops", flops);
  if (options.epochs !== undefined && options.epochs !== 1) {
    throw new UserError("--epochs applies to a token budget (--tokens or --data), not to --flops");
  }
  const law = scalingLaw(options.law ?? "chinchilla");
  const tokens = law.frontier.tokensForCompute(flops);
  return buildPlan(law, {
    budget: "flops",
    tokens,
    epochs: 1,
    tokensSeen: tokens,
    effectiveTokens: tokens,
    paramsOptimal: law.frontier.paramsForCompute(flops),
    flops,
  }, options);
}

type Budget = Pick<
  SizePlan,
  "budget" | "tokens" | "epochs" | "tokensSeen" | "effectiveTokens" | "paramsOptimal" | "flops"
>;

function buildPlan(law: ScalingLaw, budget: Budget, options: PlanOptions): SizePlan {
  const ctx = options.ctx ?? DEFAULT_CTX;
  const { config: model, requestedLayers } = closestConfig(budget.paramsOptimal, options, options);
  const perToken = flopsPerToken({ ...model, ctx });
  const predictionAt = (config: ModelConfig, tokensSeen: number) =>
    predictLossFor(law.lossFit, {
      params: config.params,
      tokensSeen,
      uniqueTokens: budget.tokens,
      vocab: config.vocab,
    });
  const prediction = predictionAt(model, budget.tokensSeen);
  const modelFlops = 6 * model.params * budget.tokensSeen;
  const alternatives: Alternative[] = [];
  for (let step = -2; step <= 2; step++) {
    const modelD = model.modelD + step * WIDTH_STEP;
    if (modelD < WIDTH_STEP) continue;
    const other = configAt(model.layers, modelD, options);
    alternatives.push({
      ...other,
      tokensPerParam: budget.tokensSeen / other.params,
      flops: 6 * other.params * budget.tokensSeen,
      predictedLoss: predictionAt(other, budget.tokensSeen).loss,
      predictedLossSameFlops: predictionAt(other, modelFlops / (6 * other.params)).loss,
    });
  }
  const vocabAdvice = vocabRecommendation(
    model.modelD,
    paramBreakdown({ ...model, vocab: 1 }).nonVocab,
    options,
  );
  const plan: SizePlan = {
    law,
    ...budget,
    model,
    requestedLayers,
    vocabSource: options.vocab === undefined ? "law" : "fixed",
    vocabRecommended: vocabAdvice.vocab,
    vocabRecommendation: vocabAdvice,
    flopsPerToken: perToken,
    trainingFlops: {
      sixN: perToken.sixN * budget.tokensSeen,
      appendixF: perToken.appendixF * budget.tokensSeen,
    },
    tokensPerParam: budget.tokensSeen / model.params,
    effectiveTokensPerParam: budget.effectiveTokens / model.params,
    predictedLoss: prediction.loss,
    predictedPerplexity: prediction.perplexity,
    extrapolated: prediction.extrapolated,
    lossWithheld: prediction.withheld,
    alternatives,
    explanation: "",
  };
  plan.explanation = explain(plan);
  return plan;
}

/** The paragraph that says why `plan` chose its model. */
function explain(plan: SizePlan): string {
  const { model, law } = plan;
  const budget = plan.budget === "flops"
    ? `A budget of ${scientific(plan.flops)} training FLOPs`
    : plan.epochs === 1
    ? `${withCommas(plan.tokens)} train tokens seen once`
    : `${withCommas(plan.tokens)} train tokens seen ${plural(plan.epochs, "time")} (${
      compact(plan.tokensSeen)
    } tokens, worth ${
      compact(plan.effectiveTokens)
    } fresh ones by Muennighoff et al. 2023: a repeated token loses half its value after about 11 repetitions)`;
  const layers = model.layers === plan.requestedLayers
    ? ""
    : ` (${
      plural(model.layers, "layer")
    } rather than ${plan.requestedLayers}: even model_d 64 is too big with ${plan.requestedLayers})`;
  const advice = plan.vocabRecommendation;
  const nonVocab = compact(model.params - model.vocab * model.modelD);
  const vocab = plan.vocabSource === "fixed"
    ? `the given vocabulary ${withCommas(model.vocab)} (${describeVocabRecommendation(advice)})`
    : advice.limit === null
    ? `vocabulary ${
      withCommas(model.vocab)
    } from the vocabulary law of Tao et al. 2024 for its ${nonVocab} non-vocabulary parameters`
    : `vocabulary ${withCommas(model.vocab)}, ${advice.limit} (Tao et al. 2024's law says ${
      withCommas(advice.lawVocab)
    } for its ${nonVocab} non-vocabulary parameters; the limit decides, not the law)`;
  return `${budget}: the ${law.name} law (${law.description}) puts the compute-optimal model at ${
    compact(plan.paramsOptimal)
  } parameters. The closest micro_gpt is ${
    plural(model.layers, "layer")
  } of model_d ${model.modelD} with ${plural(model.heads, "head")}${layers} and ${vocab}: ${
    withCommas(model.params)
  } parameters, ${fixed(plan.tokensPerParam, 1)} tokens seen per parameter, ${
    scientific(plan.trainingFlops.sixN)
  } training FLOPs (6N). ${lossSentence(plan)}`;
}

/** What the borrowed loss fit says of the chosen model, or why it says nothing. */
function lossSentence(plan: SizePlan): string {
  const fit = plan.law.lossFit;
  if (plan.predictedLoss === null || plan.predictedPerplexity === null) {
    return `${fit.name} makes no loss prediction for this run: ${plan.lossWithheld}.`;
  }
  return `${fit.name} predicts a loss of ${fixed(plan.predictedLoss)} nats per token (perplexity ${
    perplexity(plan.predictedPerplexity)
  }) in its own units (MassiveText tokens), so compare it across widths, not with a measured perplexity${
    plan.extrapolated
      ? `; it is also an extrapolation, as the fit saw models of ${
        compact(fit.smallestFittedParams)
      } parameters and up`
      : ""
  }.`;
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new UserError(`${name} must be a positive number, got ${value}`);
  }
}
