import type { SizePlan } from "./plan.ts";
import type { ConfigReport } from "./config_report.ts";
import type { ModelConfig } from "./search.ts";
import type { SeedComparison } from "./seed_setups.ts";

/** The JSON `deno task size --json` prints for a budget (snake_case fields). */
export function planToJson(plan: SizePlan): Record<string, unknown> {
  return {
    tokens: plan.tokens,
    epochs: plan.epochs,
    tokens_seen: plan.tokensSeen,
    effective_tokens: plan.effectiveTokens,
    flops: plan.flops,
    params_optimal: plan.paramsOptimal,
    law: plan.law.name,
    law_description: plan.law.description,
    loss_fit: plan.law.lossFit.name,
    budget: plan.budget,
    model: modelJson(plan.model),
    requested_layers: plan.requestedLayers,
    vocab_source: plan.vocabSource,
    vocab_recommended: plan.vocabRecommended,
    vocab_law: plan.vocabRecommendation.lawVocab,
    vocab_limit: plan.vocabRecommendation.limit,
    flops_per_token: {
      six_n: plan.flopsPerToken.sixN,
      appendix_f: plan.flopsPerToken.appendixF,
      ctx: plan.flopsPerToken.ctx,
    },
    training_flops: {
      six_n: plan.trainingFlops.sixN,
      appendix_f: plan.trainingFlops.appendixF,
    },
    tokens_per_param: plan.tokensPerParam,
    effective_tokens_per_param: plan.effectiveTokensPerParam,
    predicted_loss: plan.predictedLoss,
    predicted_perplexity: plan.predictedPerplexity,
    loss_extrapolated: plan.extrapolated,
    predicted_loss_withheld: plan.lossWithheld,
    alternatives: plan.alternatives.map((alt) => ({
      ...modelJson(alt),
      tokens_per_param: alt.tokensPerParam,
      flops: alt.flops,
      predicted_loss: alt.predictedLoss,
      predicted_loss_same_flops: alt.predictedLossSameFlops,
    })),
    explanation: plan.explanation,
  };
}

/** The JSON `deno task size --model-d D ... --json` prints for one configuration. */
export function configReportToJson(report: ConfigReport): Record<string, unknown> {
  const json: Record<string, unknown> = {
    law: report.law.name,
    law_description: report.law.description,
    loss_fit: report.law.lossFit.name,
    model: modelJson(report.model),
    params: report.model.params,
    breakdown: {
      embedding: report.breakdown.embedding,
      per_layer: report.breakdown.perLayer,
      final_norm: report.breakdown.finalNorm,
      non_vocab: report.breakdown.nonVocab,
    },
    flops_per_token: {
      six_n: report.flopsPerToken.sixN,
      appendix_f: report.flopsPerToken.appendixF,
      ctx: report.flopsPerToken.ctx,
    },
    vocab_recommended: report.vocabRecommended,
    vocab_law: report.vocabRecommendation.lawVocab,
    vocab_limit: report.vocabRecommendation.limit,
    optimal_tokens: report.optimalTokens,
    optimal_flops: report.optimalFlops,
  };
  const on = report.onTokens;
  if (on) {
    Object.assign(json, {
      tokens: on.tokens,
      epochs: on.epochs,
      tokens_seen: on.tokensSeen,
      effective_tokens: on.effectiveTokens,
      tokens_per_param: on.tokensPerParam,
      training_flops: { six_n: on.trainingFlops.sixN, appendix_f: on.trainingFlops.appendixF },
      predicted_loss: on.predictedLoss,
      predicted_perplexity: on.predictedPerplexity,
      loss_extrapolated: on.prediction.extrapolated,
      predicted_loss_withheld: on.prediction.withheld,
    });
  }
  return json;
}

/** One row of `deno task size --seed-claims --json`. */
export function seedComparisonToJson(row: SeedComparison): Record<string, unknown> {
  return {
    setup: row.setup.name,
    bytes: row.setup.bytes,
    tokens: row.setup.tokens,
    epochs: row.epochs,
    law: row.law,
    effective_tokens: row.effectiveTokens,
    params_optimal: row.paramsOptimal,
    model: modelJson(row.model),
    seed_claim: row.setup.seedClaim,
    seed_params: row.setup.seedParams,
    seed_over_optimal: row.seedOverOptimal,
  };
}

function modelJson(model: ModelConfig): Record<string, unknown> {
  return {
    layers: model.layers,
    model_d: model.modelD,
    heads: model.heads,
    vocab: model.vocab,
    params: model.params,
    block: model.block,
  };
}
