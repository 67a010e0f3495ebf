/**
 * One finished run of a sweep, as the fits read it: the compute budget it belongs to, its size, the
 * tokens it trained on and its final validation loss.
 */
export interface SweepRun {
  /** The IsoFLOP budget C the run belongs to, in FLOPs (runs of one budget share this number). */
  budget: number;
  /** N: all parameters, embedding included (Pearce & Song 2024). */
  params: number;
  /** N without the embedding and positional tables, for the non-embedding fit. */
  nonEmbeddingParams?: number;
  /** D: training tokens. */
  tokens: number;
  /** Final validation loss, in nats per token. */
  loss: number;
}

/** Which parameter count a fit uses as N. */
export type ParamsCount = "all" | "nonEmbedding";

/** A fitted number with its bootstrap spread. Plain numbers, so it serialises to JSON as is. */
export interface Estimate {
  /** The fit to all the runs. */
  value: number;
  /** The 2.5th and 97.5th percentiles of the bootstrap fits: a 95% interval. */
  interval: [number, number];
  /** The standard deviation of the bootstrap fits (0 without resamples). */
  standardError: number;
}

/**
 * A parabola of loss in x: loss ≈ c₀ + c₁u + c₂u² with u = x − center, center the mean of x (centring keeps the 3×3 normal
 * equations well conditioned when x = log N spans a narrow band far from 0). Least squares.
 */
export interface Parabola {
  /** The x the coefficients are centred on. */
  center: number;
  /** [c₀, c₁, c₂]. */
  coefficients: [number, number, number];
}
