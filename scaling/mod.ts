/**
 * Scaling laws for the micro_gpt family: exact parameter and FLOP counts, the Chinchilla laws
 * (Approach 1 and 3 of Hoffmann et al. 2022) and their replication by Besiroglu et al. (2024), the
 * data-constrained law of Muennighoff et al. (2023), the vocabulary law of Tao et al. (2024), and
 * the configuration search that picks layers, model_d, heads and vocabulary for a budget.
 *
 * @example
 * ```ts
 * import { chooseModel, countParams } from "./mod.ts";
 * countParams({ layers: 4, modelD: 512, vocab: 9000 }); // 17_205_248
 * const { modelD, vocab, explanation } = chooseModel({ trainTokens: 250e6, epochs: 4 });
 * ```
 *
 * @module
 */
export {
  type Block,
  countParams,
  type ModelShape,
  type ParamBreakdown,
  paramBreakdown,
} from "./params.ts";
export { defaultHeads, HEAD_SIZE_RANGE, validateHeads } from "./heads.ts";
export {
  DEFAULT_CTX,
  type FlopsPerToken,
  flopsPerToken,
  type FlopsShape,
  type ForwardFlops,
} from "./flops.ts";
export { type ComputeFrontier, paramsForTokens, tokensForParams } from "./frontier.ts";
export { parametricFrontier, type ParametricLossFit, predictLoss } from "./parametric_loss.ts";
export {
  EXTRAPOLATION_LIMIT,
  type LossPrediction,
  type PredictionQuery,
  predictLossFor,
} from "./loss_prediction.ts";
export {
  CHINCHILLA_APPROACH_1,
  CHINCHILLA_TABLE_3,
  chinchillaApproach1Frontier,
  type ChinchillaTableRow,
} from "./law_chinchilla.ts";
export { CHINCHILLA_APPROACH_3 } from "./law_chinchilla_fit.ts";
export { BESIROGLU_2024 } from "./law_epoch.ts";
export { LAW_NAMES, type LawName, parseLawName, type ScalingLaw, scalingLaw } from "./laws.ts";
export {
  dataConstrainedLoss,
  effectiveParams,
  effectiveTokens,
  MUENNIGHOFF_2023,
  MUENNIGHOFF_C4_FIT,
} from "./data_constrained.ts";
export {
  describeVocabRecommendation,
  MAX_STORE_VOCAB,
  optimalVocabParams,
  recommendVocab,
  TAO_2024,
  tokensPerCharacter,
  vocabBounds,
  type VocabRecommendation,
  vocabRecommendation,
  type VocabRules,
} from "./vocabulary.ts";
export {
  closestConfig,
  configAt,
  type ConfigChoice,
  type ConfigRules,
  type ModelConfig,
  type SearchOptions,
  WIDTH_STEP,
} from "./search.ts";
export {
  type Alternative,
  planForCompute,
  planForTokens,
  type PlanOptions,
  type SizePlan,
} from "./plan.ts";
export { chooseModel, type ChooseModelOptions, type ChosenModel } from "./choose_model.ts";
export { type ConfigQuery, type ConfigReport, describeConfig } from "./config_report.ts";
export { formatConfigReport, formatPlan, formatSeedClaims } from "./report_text.ts";
export { configReportToJson, planToJson, seedComparisonToJson } from "./report_json.ts";
export {
  compareSeedClaims,
  maxParamsForSetup,
  OPENWEBTEXT,
  OPENWEBTEXT_BYTES_PER_DOCUMENT,
  openWebTextBytesPerToken,
  SEED_EPOCHS,
  SEED_SETUPS,
  type SeedComparison,
  type SeedSetup,
} from "./seed_setups.ts";
