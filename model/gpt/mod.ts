/**
 * The GPT itself: its config and parameter layout (names, shapes, initialisation), the seeded generator that
 * draws the initial values, the forward pass (`gpt.ts`, read top to bottom), one file per op in `ops/`, and
 * the gradients tfjs-core lacks (`gradients.ts`).
 *
 * @module
 */
export { BLOCK_KINDS, type BlockKind, parseBlockKind } from "../../core/block_kind.ts";
export { Random } from "./random.ts";
export {
  type GptConfig,
  parameterCount,
  type ParameterInit,
  parameterLayout,
  type ParameterSpec,
  validateConfig,
} from "./config.ts";
export {
  type CachedForward,
  gptHidden,
  gptHiddenCached,
  gptLogits,
  gptLoss,
  type GptModel,
  type GptWeights,
  microGpt,
  microGpt1,
  microGpt2,
  microGpt4,
  type MicroGptOptions,
} from "./gpt.ts";
export { embedTokens } from "./ops/embedding.ts";
export { positionalEncoding, sinusoidalTable } from "./ops/positional_encoding.ts";
export { LAYER_NORM_EPS, layerNorm } from "./ops/layer_norm.ts";
export {
  type AttentionWeights,
  cachedSelfAttention,
  causalMask,
  causalSelfAttention,
  type KeysValues,
} from "./ops/attention.ts";
export { gelu } from "./ops/gelu.ts";
export { linear } from "./ops/linear.ts";
export { feedForward, type FeedForwardWeights } from "./ops/feed_forward.ts";
export { logitsFromTransposed, tiedLogits } from "./ops/tied_logits.ts";
export { crossEntropy } from "./ops/cross_entropy.ts";
export { matMul, swapLastAxes } from "./ops/matmul.ts";
