import { plural } from "../core/plural.ts";
import type { SizePlan } from "./plan.ts";
import type { ConfigReport } from "./config_report.ts";
import { compact, fixed, perplexity, scientific, withCommas } from "../core/number_format.ts";
import { describeVocabRecommendation } from "./vocabulary.ts";
import type { LossPrediction } from "./loss_prediction.ts";
import type { SeedComparison } from "./seed_setups.ts";

// Labels are padded to one column so the report reads as a table.
const row = (label: string, text: string) => `${label.padEnd(13)}${text}`;

/** The human-readable report of `deno task size` for a token or FLOP budget. */
export function formatPlan(plan: SizePlan): string {
  const { model } = plan;
  const lines = [
    row(
      "budget",
      plan.budget === "flops"
        ? `${scientific(plan.flops)} FLOPs → ${withCommas(plan.tokens)} tokens, one epoch`
        : `${withCommas(plan.tokens)} train tokens × ${plural(plan.epochs, "epoch")} = ${
          withCommas(plan.tokensSeen)
        } seen, worth ${withCommas(plan.effectiveTokens)} fresh (Muennighoff et al. 2023)`,
    ),
    row("law", `${plan.law.name}: ${plan.law.description}`),
    row(
      "optimum",
      `${withCommas(plan.paramsOptimal)} parameters, ${scientific(plan.flops)} FLOPs (6ND), ${
        fixed(plan.effectiveTokens / plan.paramsOptimal, 1)
      } effective tokens per parameter`,
    ),
    "",
    row(
      "model",
      `layers ${model.layers}, model_d ${model.modelD}, heads ${model.heads}, vocab ${
        withCommas(model.vocab)
      } (${
        plan.vocabSource === "fixed"
          ? `fixed; ${describeVocabRecommendation(plan.vocabRecommendation)}`
          : plan.vocabRecommendation.limit === null
          ? "Tao et al. 2024 vocabulary law"
          : describeVocabRecommendation(plan.vocabRecommendation)
      }), block ${model.block}`,
    ),
    row(
      "parameters",
      `${withCommas(model.params)} exact (${compact(model.vocab * model.modelD)} embedding, ${
        compact(model.params - model.vocab * model.modelD)
      } non-vocabulary)`,
    ),
    row("FLOPs/token", flopsPerTokenText(plan.flopsPerToken)),
    row(
      "training",
      `${scientific(plan.trainingFlops.sixN)} FLOPs (6N), ${
        scientific(plan.trainingFlops.appendixF)
      } (Appendix F) over ${withCommas(plan.tokensSeen)} tokens`,
    ),
    row(
      "tokens/param",
      `${fixed(plan.tokensPerParam, 1)} seen, ${fixed(plan.effectiveTokensPerParam, 1)} effective`,
    ),
    row(
      "loss",
      lossText(plan.law.lossFit, {
        loss: plan.predictedLoss,
        perplexity: plan.predictedPerplexity,
        extrapolated: plan.extrapolated,
        withheld: plan.lossWithheld,
      }, "; its units, for comparing widths"),
    ),
  ];
  if (model.layers !== plan.requestedLayers) {
    lines.push(
      row(
        "note",
        `${model.layers} layers: even model_d 64 is too big with ${plan.requestedLayers}`,
      ),
    );
  }
  lines.push("", `neighbouring widths (${model.layers} layers):`, alternativesTable(plan), "");
  lines.push(plan.explanation);
  return lines.join("\n");
}

/** The human-readable report of `deno task size --model-d D ...` for one configuration. */
export function formatConfigReport(report: ConfigReport): string {
  const { model, breakdown } = report;
  const lines = [
    row(
      "model",
      `layers ${model.layers}, model_d ${model.modelD}, heads ${model.heads}, vocab ${
        withCommas(model.vocab)
      }, block ${model.block}`,
    ),
    row(
      "parameters",
      `${withCommas(model.params)} exact (embedding ${withCommas(breakdown.embedding)}, ${
        withCommas(breakdown.perLayer)
      } per layer${
        breakdown.finalNorm ? `, final LayerNorm ${withCommas(breakdown.finalNorm)}` : ""
      })`,
    ),
    row("FLOPs/token", flopsPerTokenText(report.flopsPerToken)),
    row(
      "optimal for",
      `${withCommas(report.optimalTokens)} tokens, ${scientific(report.optimalFlops)} FLOPs (${
        fixed(report.optimalTokens / model.params, 1)
      } tokens per parameter; ${report.law.name}: ${report.law.description})`,
    ),
    row("vocab law", describeVocabRecommendation(report.vocabRecommendation)),
  ];
  const on = report.onTokens;
  if (on) {
    lines.push(
      row(
        "budget",
        `${withCommas(on.tokens)} train tokens × ${plural(on.epochs, "epoch")} = ${
          withCommas(on.tokensSeen)
        } seen, worth ${withCommas(on.effectiveTokens)} fresh`,
      ),
      row(
        "training",
        `${scientific(on.trainingFlops.sixN)} FLOPs (6N), ${
          scientific(on.trainingFlops.appendixF)
        } (Appendix F); ${fixed(on.tokensPerParam, 1)} tokens seen per parameter`,
      ),
      row("loss", lossText(report.law.lossFit, on.prediction)),
    );
  }
  return lines.join("\n");
}

/** The loss row: the fit's figure, or "no prediction" and why. */
function lossText(
  fit: SizePlan["law"]["lossFit"],
  prediction: LossPrediction,
  units = "",
): string {
  if (prediction.loss === null || prediction.perplexity === null) {
    return `no prediction: ${prediction.withheld} (${fit.name} fit)`;
  }
  return `${fixed(prediction.loss, 3)} nats/token, perplexity ${
    perplexity(prediction.perplexity)
  } (${fit.name} fit${units}${
    prediction.extrapolated
      ? `; extrapolated below the ${compact(fit.smallestFittedParams)} parameters it was fitted on`
      : ""
  })`;
}

function flopsPerTokenText(flops: SizePlan["flopsPerToken"]): string {
  return `${scientific(flops.sixN)} (6N), ${
    scientific(flops.appendixF)
  } (Chinchilla Appendix F, ctx ${flops.ctx}), training per token`;
}

function alternativesTable(plan: SizePlan): string {
  const header = [
    "",
    "model_d",
    "heads",
    "vocab",
    "params",
    "tok/param",
    "train FLOPs",
    "loss",
    "loss@FLOPs",
  ];
  const rows = plan.alternatives.map((alt) => [
    alt.modelD === plan.model.modelD ? ">" : "",
    String(alt.modelD),
    String(alt.heads),
    withCommas(alt.vocab),
    withCommas(alt.params),
    fixed(alt.tokensPerParam, 1),
    scientific(alt.flops),
    alt.predictedLoss === null ? "-" : fixed(alt.predictedLoss, 3),
    alt.predictedLossSameFlops === null ? "-" : fixed(alt.predictedLossSameFlops, 3),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  return [header, ...rows].map((r) =>
    r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ")
  ).join("\n");
}

/** The table `deno task size --seed-claims` prints (and the README quotes). */
export function formatSeedClaims(rows: SeedComparison[]): string {
  const header = [
    "set-up",
    "tokens",
    "epochs",
    "law",
    "effective",
    "optimal params",
    "micro_gpt_4 at V 8000",
    "seed claim",
    "claim/optimal",
  ];
  const cells = rows.map((r) => [
    r.setup.name,
    compact(r.setup.tokens),
    String(r.epochs),
    r.law,
    compact(r.effectiveTokens),
    compact(r.paramsOptimal),
    `d ${r.model.modelD}${r.model.layers === 4 ? "" : ` (${plural(r.model.layers, "layer")})`}: ${
      compact(r.model.params)
    }`,
    r.setup.seedClaim,
    `${fixed(r.seedOverOptimal, 1)}×`,
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...cells].map((c) => c[i].length)));
  return [header, ...cells].map((c) =>
    c.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()
  ).join("\n");
}
