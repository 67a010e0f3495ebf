/**
 * Inference and evaluation: the KV cache, sampling (temperature, top-k, top-p), generation with or without
 * the cache, perplexity and bits per byte on a store's val split, and evaluating a saved run.
 *
 * @module
 */
export { KvCache, transposedEmbedding, windowLogits } from "./kv_cache.ts";
export { sampleToken, type SamplingOptions, validateSampling } from "./sampling.ts";
export {
  generate,
  type GenerateOptions,
  generateTokens,
  type TextCodec,
  TextStream,
  validateGenerate,
} from "./generate.ts";
export { evaluate, type EvaluateOptions, type Evaluation } from "./evaluate.ts";
export { evaluateRun, type EvaluateRunOptions } from "./evaluate_run.ts";
