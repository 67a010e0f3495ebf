import { UserError } from "../core/user_error.ts";
import { countParams, type ModelShape } from "./params.ts";
import { validateHeads } from "./heads.ts";

/** The default context length for the attention terms: 128, as this toolkit trains (model/presets.ts). */
export const DEFAULT_CTX = 128;

/** A micro_gpt shape plus what the attention FLOPs need: heads and the context length. */
export interface FlopsShape extends ModelShape {
  /** Attention heads (they set the softmax term). */
  heads: number;
  /** Context length (tokens per sequence); default `DEFAULT_CTX`. */
  ctx?: number;
}

/**
 * Forward-pass FLOPs per token, term by term as Hoffmann et al. (2022) count them in Appendix F
 * ("FLOPs computation", Table A4), summed over the layers. A multiply-add is 2 FLOPs; LayerNorms,
 * biases, nonlinearities and the residual adds are left out, as there.
 */
export interface ForwardFlops {
  /** 2·V·d: the embedding lookup counted as a one-hot matmul. */
  embeddings: number;
  /** L · 2·3·d·d: the Q, K and V projections. */
  attentionQkv: number;
  /** L · 2·ctx·d: query-key logits (key size × heads = d). */
  attentionLogits: number;
  /** L · 3·heads·ctx: the softmax. */
  softmax: number;
  /** L · 2·ctx·d: softmax-weighted sum of the values. */
  attentionReduction: number;
  /** L · 2·d·d: the output projection. */
  attentionProjection: number;
  /** L · 2·(d·4d + 4d·d): the feed-forward block. */
  dense: number;
  /** 2·d·V: the final logits (the tied embedding transposed). */
  logits: number;
  /** The sum of the terms. */
  total: number;
}

/** Training FLOPs per token of one micro_gpt, two ways. */
export interface FlopsPerToken {
  /** 6·N: the usual rule (2N forward + 4N backward per token). */
  sixN: number;
  /** 3 × the Appendix F forward count (the backward pass costs twice the forward, as there). */
  appendixF: number;
  /** The forward terms behind `appendixF`. */
  forward: ForwardFlops;
  /** The context length the attention terms assume. */
  ctx: number;
}

/**
 * Training FLOPs per token of a micro_gpt: 6N and the exact count of the Chinchilla paper's
 * Appendix F (embeddings, attention QKV / logits / softmax / reduction / projection, dense block,
 * final logits; × 3 for forward + backward). Appendix F counts the full ctx × ctx attention
 * (no causal halving); so does this.
 *
 * @example
 * ```ts
 * import { flopsPerToken } from "./flops.ts";
 * const flops = flopsPerToken({ layers: 4, modelD: 512, vocab: 9000, heads: 8, ctx: 128 });
 * flops.sixN; // 103_231_488
 * ```
 */
export function flopsPerToken(shape: FlopsShape): FlopsPerToken {
  const params = countParams(shape);
  validateHeads(shape.modelD, shape.heads);
  const ctx = shape.ctx ?? DEFAULT_CTX;
  if (!Number.isInteger(ctx) || ctx < 1) {
    throw new UserError(`ctx must be a whole number ≥ 1, got ${ctx}`);
  }
  const { layers: l, modelD: d, vocab: v, heads } = shape;
  const forward = {
    embeddings: 2 * v * d,
    attentionQkv: l * 2 * 3 * d * d,
    attentionLogits: l * 2 * ctx * d,
    softmax: l * 3 * heads * ctx,
    attentionReduction: l * 2 * ctx * d,
    attentionProjection: l * 2 * d * d,
    dense: l * 2 * (d * 4 * d + 4 * d * d),
    logits: 2 * d * v,
  };
  const total = Object.values(forward).reduce((sum, x) => sum + x, 0);
  return { sixN: 6 * params, appendixF: 3 * total, forward: { ...forward, total }, ctx };
}
