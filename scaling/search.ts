import { UserError } from "../core/user_error.ts";
import { type Block, paramBreakdown } from "./params.ts";
import { defaultHeads } from "./heads.ts";
import { recommendVocab, type VocabRules } from "./vocabulary.ts";

/** A concrete micro_gpt configuration and its exact parameter count. */
export interface ModelConfig {
  /** Blocks. */
  layers: number;
  /** Width d, a multiple of 64 when searched. */
  modelD: number;
  /** Attention heads (head size 32 to 128). */
  heads: number;
  /** Vocabulary size. */
  vocab: number;
  /** Exact parameter count. */
  params: number;
  /** Block wiring. */
  block: Block;
}

/** What the configuration search may vary and what it must keep. */
export interface ConfigRules extends VocabRules {
  /** Blocks; default 4 (micro_gpt_4). Fewer are used only when even model_d 64 is too big. */
  layers?: number;
  /** A fixed vocabulary (e.g. the token store's); otherwise Tao et al.'s law picks one per width. */
  vocab?: number;
  /** Default `"original"`. */
  block?: Block;
}

/** The widths the search tries are multiples of this. */
export const WIDTH_STEP = 64;

// The widest model_d the search considers: 64 × 2^20, far beyond any budget the task accepts.
const MAX_WIDTH_STEPS = 1 << 20;

/**
 * The micro_gpt with `layers` blocks and width `modelD` under `rules`: heads from `defaultHeads`
 * (head size 64 for multiples of 64), the fixed vocabulary or the one Tao et al.'s law recommends
 * for that body, and its exact parameter count.
 */
export function configAt(layers: number, modelD: number, rules: ConfigRules = {}): ModelConfig {
  const block = rules.block ?? "original";
  const body = paramBreakdown({ layers, modelD, vocab: 1, block });
  const vocab = rules.vocab ?? recommendVocab(modelD, body.nonVocab, rules);
  const { total } = paramBreakdown({ layers, modelD, vocab, block });
  return { layers, modelD, heads: defaultHeads(modelD), vocab, params: total, block };
}

/** The closest configuration to a parameter target, and whether the layer count had to drop. */
export interface ConfigChoice {
  /** The configuration found. */
  config: ModelConfig;
  /** The layers asked for (the config has fewer only below model_d 64). */
  requestedLayers: number;
}

/** How `closestConfig` treats a target below the smallest micro_gpt. */
export interface SearchOptions {
  /** Return the smallest model instead of throwing. Default false. */
  clampToSmallest?: boolean;
  /** Names the budget at the start of the error message, e.g. "--tokens 1000". */
  budgetLabel?: string;
}

/**
 * The micro_gpt (model_d a multiple of 64) whose exact parameter count is closest to
 * `targetParams` in ratio. When even model_d 64 with the requested layers is larger than the
 * target, fewer layers are tried (the closest at model_d 64 wins). A target below the smallest
 * 1-layer model is a `UserError` (or that model, with `clampToSmallest`).
 */
export function closestConfig(
  targetParams: number,
  rules: ConfigRules = {},
  { clampToSmallest = false, budgetLabel }: SearchOptions = {},
): ConfigChoice {
  const requestedLayers = rules.layers ?? 4;
  if (!Number.isInteger(requestedLayers) || requestedLayers < 1) {
    throw new UserError(`layers must be a whole number ≥ 1, got ${requestedLayers}`);
  }
  const smallest = configAt(1, WIDTH_STEP, rules);
  if (targetParams < smallest.params) {
    if (clampToSmallest) return { config: smallest, requestedLayers };
    throw new UserError(
      `${budgetLabel ? `${budgetLabel}: ` : ""}the compute-optimal model has ${
        Math.round(targetParams).toLocaleString("en-US")
      } parameters, fewer than the smallest micro_gpt (1 layer, model_d 64, vocab ${smallest.vocab}: ${
        smallest.params.toLocaleString("en-US")
      } parameters); give a larger budget`,
    );
  }
  if (configAt(requestedLayers, WIDTH_STEP, rules).params > targetParams) {
    const narrowest = [];
    for (let layers = requestedLayers; layers >= 1; layers--) {
      narrowest.push(configAt(layers, WIDTH_STEP, rules));
    }
    return { config: closest(narrowest, targetParams), requestedLayers };
  }
  // Parameters grow with the width, so find the first width at or above the target by doubling
  // and bisection, then keep it or the one below, whichever is closer in ratio.
  const paramsAt = (steps: number) => configAt(requestedLayers, steps * WIDTH_STEP, rules).params;
  let high = 1;
  while (high < MAX_WIDTH_STEPS && paramsAt(high) < targetParams) high *= 2;
  let low = Math.max(1, high / 2);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (paramsAt(middle) < targetParams) low = middle + 1;
    else high = middle;
  }
  const candidates = [high - 1, high].filter((steps) => steps >= 1)
    .map((steps) => configAt(requestedLayers, steps * WIDTH_STEP, rules));
  return { config: closest(candidates, targetParams), requestedLayers };
}

function closest(configs: ModelConfig[], targetParams: number): ModelConfig {
  const distance = (config: ModelConfig) => Math.abs(Math.log(config.params / targetParams));
  return configs.reduce((best, config) => distance(config) < distance(best) ? config : best);
}
