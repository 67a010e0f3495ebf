import { plural } from "../../core/plural.ts";
import { chooseModel } from "../../scaling/mod.ts";
import type { SizeChoice, SizeFacts } from "./plan.ts";

/**
 * The scaling module's `chooseModel` for a store: its train tokens, the epochs the run will make (below one
 * epoch the law sees the tokens actually read, once), and the store's vocabulary, which the model must use.
 */
export function chooseModelForStore(facts: SizeFacts): SizeChoice {
  const partial = facts.epochs < 1;
  const chosen = chooseModel({
    trainTokens: partial
      ? Math.max(1, Math.round(facts.trainTokens * facts.epochs))
      : facts.trainTokens,
    epochs: partial ? 1 : facts.epochs,
    vocab: facts.vocab,
  });
  return {
    layers: chosen.layers,
    modelD: chosen.modelD,
    heads: chosen.heads,
    explanation: `model size from the scaling laws (no --layers/--model-d/--heads given): ` +
      `${plural(chosen.layers, "layer")}, model_d ${chosen.modelD}, ${
        plural(chosen.heads, "head")
      }, ` +
      `${chosen.params.toLocaleString("en-US")} parameters. ${chosen.explanation}`,
  };
}
