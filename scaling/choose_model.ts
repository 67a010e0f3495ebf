import type { Block } from "./params.ts";
import type { LawName } from "./laws.ts";
import { planForTokens } from "./plan.ts";
import type { ModelConfig } from "./search.ts";

/** What the train task knows when no size flags are given. */
export interface ChooseModelOptions {
  /** Unique train tokens (the store's train split). */
  trainTokens: number;
  /** Passes over them; default 1. */
  epochs?: number;
  /** Default 4. */
  layers?: number;
  /** The store's vocabulary, which the model must use; omit to let Tao et al.'s law pick one. */
  vocab?: number;
  /** Default `"original"`. */
  block?: Block;
  /** Default `"chinchilla"`. */
  law?: LawName;
  /** Below the smallest micro_gpt, return it instead of throwing. Default true here: training on a
   * tiny corpus should still start, with the explanation saying the law wanted less. */
  clampToSmallest?: boolean;
}

/** A configuration the train task can build, and the paragraph that justifies it. */
export interface ChosenModel extends ModelConfig {
  /** One paragraph: the budget, the law's optimum, this model and its predicted loss. */
  explanation: string;
}

/**
 * The micro_gpt the scaling laws recommend for `trainTokens` unique tokens seen `epochs` times.
 *
 * @example
 * ```ts
 * import { chooseModel } from "./choose_model.ts";
 * const chosen = chooseModel({ trainTokens: 250e6, epochs: 1, vocab: 8000 });
 * chosen.modelD; // 448
 * chosen.explanation; // "250,000,000 train tokens seen once: the chinchilla law ..."
 * ```
 */
export function chooseModel(options: ChooseModelOptions): ChosenModel {
  const plan = planForTokens(options.trainTokens, {
    epochs: options.epochs,
    layers: options.layers,
    vocab: options.vocab,
    block: options.block,
    law: options.law,
    clampToSmallest: options.clampToSmallest ?? true,
  });
  const { layers, modelD, heads, vocab, params, block } = plan.model;
  const below = plan.paramsOptimal < params && plan.model.modelD === 64 && plan.model.layers === 1
    ? " The budget is below even this smallest micro_gpt, so it will overfit; more data helps."
    : "";
  return { layers, modelD, heads, vocab, params, block, explanation: plan.explanation + below };
}
