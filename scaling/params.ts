import { type BlockKind, parseBlockKind } from "../core/block_kind.ts";
import { UserError } from "../core/user_error.ts";

/** The two block wirings of the micro_gpt family (`core/block_kind.ts`; also `GptConfig.block`). */
export type Block = BlockKind;

/** The shape that fixes a micro_gpt's parameter count. */
export interface ModelShape {
  /** Blocks. */
  layers: number;
  /** Width d. */
  modelD: number;
  /** Vocabulary size V. */
  vocab: number;
  /** Default `"original"`. */
  block?: Block;
}

/** Where the parameters of a micro_gpt sit. */
export interface ParamBreakdown {
  /** The tied token embedding, V × d; it is also the output projection (no separate head). */
  embedding: number;
  /** One block: LayerNorm(s) (gain + bias), W_q W_k W_v W_o (d × d, no bias), FFN d→4d→d with biases. */
  perLayer: number;
  /** The final LayerNorm (preln only; 0 for the original block). */
  finalNorm: number;
  /** Everything but the embedding: what Tao et al. (2024) call non-vocabulary parameters N_nv. */
  nonVocab: number;
  /** All parameters. */
  total: number;
}

/**
 * The exact parameter breakdown of a micro_gpt. Sinusoidal positions add no parameters.
 *
 * @example
 * ```ts
 * import { paramBreakdown } from "./params.ts";
 * paramBreakdown({ layers: 4, modelD: 512, vocab: 9000 }).embedding; // 4_608_000
 * ```
 */
export function paramBreakdown(shape: ModelShape): ParamBreakdown {
  validateShape(shape);
  const { layers, modelD: d, vocab } = shape;
  const block = shape.block ?? "original";
  const layerNorm = 2 * d; // gain and bias
  const attention = 4 * d * d; // W_q, W_k, W_v, W_o without biases
  const feedForward = d * 4 * d + 4 * d + 4 * d * d + d; // 8d² + 5d
  const normsPerLayer = block === "preln" ? 2 : 1;
  const perLayer = normsPerLayer * layerNorm + attention + feedForward;
  const finalNorm = block === "preln" ? layerNorm : 0;
  const embedding = vocab * d;
  const nonVocab = layers * perLayer + finalNorm;
  return { embedding, perLayer, finalNorm, nonVocab, total: nonVocab + embedding };
}

/**
 * The exact number of parameters of a micro_gpt with `layers` blocks, width `modelD` and vocabulary
 * `vocab`: L·(12d² + 7d) + V·d for the original block, plus 2d per layer and 2d more for `"preln"`.
 *
 * @example
 * ```ts
 * import { countParams } from "./params.ts";
 * countParams({ layers: 4, modelD: 512, vocab: 9000 }); // 17_205_248, the seed's micro_gpt_4
 * countParams({ layers: 4, modelD: 384, vocab: 8000 }); // 10_160_640
 * ```
 */
export function countParams(shape: ModelShape): number {
  return paramBreakdown(shape).total;
}

/** Throws a `UserError` naming the field when `shape` is not a micro_gpt. */
export function validateShape(shape: ModelShape): void {
  for (
    const [name, value] of [["layers", shape.layers], ["model_d", shape.modelD], [
      "vocab",
      shape.vocab,
    ]] as const
  ) {
    if (!Number.isInteger(value) || value < 1) {
      throw new UserError(`${name} must be a whole number ≥ 1, got ${value}`);
    }
  }
  parseBlockKind(shape.block ?? "original", "block");
}
