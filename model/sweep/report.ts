import { compact, fixed, scientific, withCommas } from "../../core/number_format.ts";
import { plural } from "../../core/plural.ts";
import type { Estimate } from "../../scaling/fit/mod.ts";
import type { SweepResult } from "./run_sweep.ts";
import type { LawPlan } from "./law_plan.ts";

const withInterval = (estimate: Estimate, digits = 3) =>
  `${fixed(estimate.value, digits)} [${fixed(estimate.interval[0], digits)}, ${
    fixed(estimate.interval[1], digits)
  }]`;

const compactInterval = (estimate: Estimate) =>
  `${compact(estimate.value)} [${compact(estimate.interval[0])}, ${compact(estimate.interval[1])}]`;

/** The sweep's table for stdout: every run, Approach 2 per budget and its power laws, Approach 3. */
export function formatSweep(result: SweepResult): string {
  const fit = result.fit;
  if (!fit) {
    return `sweep interrupted: the running runs saved a checkpoint; run the same command to continue`;
  }
  const { law } = fit;
  const lines = [
    `runs (final loss over the whole val split, ${withCommas(law.store.valTokens)} tokens):`,
    "  budget     layers  model_d      params      tokens  tok/param  val loss",
  ];
  for (const run of law.runs) {
    lines.push(
      `  ${scientific(run.budget, 1).padEnd(9)} ${String(run.layers).padStart(6)} ${
        String(run.modelD).padStart(8)
      } ${withCommas(run.params).padStart(11)} ${withCommas(run.tokens).padStart(11)} ${
        fixed(run.tokens / run.params, 1).padStart(10)
      } ${fixed(run.valLoss, 4).padStart(9)}`,
    );
  }
  lines.push("", "Approach 2 (a parabola of loss in ln N per budget):");
  const a2 = law.approach2, a2ne = law.approach2NonEmbedding;
  if (!a2 || !a2ne) lines.push(`  not fitted: ${law.approach2Failure}`);
  for (const profile of a2?.profiles ?? []) {
    lines.push(
      `  ${scientific(profile.budget, 1)}: ` +
        (profile.optimalParams === null
          ? "no minimum (the parabola opens downward)"
          : `N_opt ${compact(profile.optimalParams)}, D_opt ${
            compact(profile.optimalTokens!)
          }, loss ${fixed(profile.optimalLoss!, 4)}${
            profile.atEdge ? "  (at the edge of the sizes: re-centre the grid)" : ""
          }`),
    );
  }
  if (a2 && a2ne) {
    lines.push(
      `  N_opt = G·C^a: a = ${withInterval(a2.optimalParams.exponent)}; D_opt ∝ C^b: b = ${
        withInterval(a2.optimalTokens.exponent)
      } (Chinchilla: 0.50, 0.50)`,
      `  non-embedding N: a = ${withInterval(a2ne.optimalParams.exponent)}`,
    );
    for (const warning of a2.warnings) lines.push(`  warning: ${warning}`);
  }
  const a3 = law.approach3, ne = law.approach3NonEmbedding;
  lines.push(
    "",
    `Approach 3: L(N, D) = E + A/N^α + B/D^β (Huber δ ${a3.delta} on log-loss, L-BFGS from ${a3.starts} starts, ${a3.resamples} bootstrap resamples; 95% intervals):`,
    `  E ${withInterval(a3.E)}  A ${compactInterval(a3.A)}  B ${compactInterval(a3.B)}`,
    `  α ${withInterval(a3.alpha)}  β ${withInterval(a3.beta)}  N_opt ∝ C^${
      withInterval(a3.paramsExponent)
    }`,
    `  non-embedding N: E ${fixed(ne.E.value, 3)}, α ${fixed(ne.alpha.value, 3)}, β ${
      fixed(ne.beta.value, 3)
    }, N_opt ∝ C^${fixed(ne.paramsExponent.value, 3)}`,
    `  units: nats per token of ${law.store.path}'s tokenizer; × ${
      fixed(law.store.valTokens / (Math.LN2 * law.store.valBytes), 4)
    } for bits per byte`,
    "",
    fit.isoflopPath
      ? `wrote ${fit.lawPath}, ${fit.isoflopPath}, ${fit.frontierPath}`
      : `wrote ${fit.lawPath} (no charts: they draw Approach 2)`,
    result.skipped === law.runs.length
      ? `${law.runs.length} runs, all already done`
      : `${law.runs.length} runs: ${result.skipped} already done, ${
        law.runs.length - result.skipped
      } trained in ${fixed(result.seconds / 60, 1)} min (${
        fixed((law.runs.length - result.skipped) / (result.seconds / 3600), 1)
      } runs/hour, ${result.jobs} at a time)`,
  );
  return lines.join("\n");
}

/** The sweep as one JSON object (`--json`). */
export function sweepToJson(result: SweepResult): Record<string, unknown> {
  return {
    status: result.status,
    runs: result.plan.runs.length,
    skipped: result.skipped,
    resumed: result.resumed,
    jobs: result.jobs,
    seconds: result.seconds,
    law: result.fit?.lawPath ?? null,
    isoflop_svg: result.fit?.isoflopPath ?? null,
    frontier_svg: result.fit?.frontierPath ?? null,
    approach3: result.fit
      ? Object.fromEntries(
        (["E", "A", "B", "alpha", "beta", "paramsExponent"] as const).map((key) => [
          key === "paramsExponent" ? "params_exponent" : key,
          estimateJson(result.fit!.law.approach3[key]),
        ]),
      )
      : null,
    approach2: result.fit?.law.approach2
      ? {
        params_exponent: estimateJson(result.fit.law.approach2.optimalParams.exponent),
        tokens_exponent: estimateJson(result.fit.law.approach2.optimalTokens.exponent),
        warnings: result.fit.law.approach2.warnings,
      }
      : null,
    approach2_failure: result.fit?.law.approach2Failure ?? null,
  };
}

function estimateJson(estimate: Estimate) {
  return { value: estimate.value, interval: estimate.interval };
}

/** What a measured law says for a budget, for `size --law`. */
export function formatLawPlan(plan: LawPlan): string {
  const { model } = plan;
  const loss = plan.predictedLoss === null
    ? `no prediction: ${plan.withheld}`
    : `${fixed(plan.predictedLoss.value, 3)} nats per token [${
      fixed(plan.predictedLoss.interval[0], 3)
    }, ${fixed(plan.predictedLoss.interval[1], 3)}] (95%), ${
      fixed(plan.predictedBitsPerByte![0], 3)
    } bits per byte`;
  const range = plan.extrapolation.side === "inside"
    ? `inside the fitted budgets (${scientific(plan.fittedFlops[0])} to ${
      scientific(plan.fittedFlops[1])
    })`
    : `extrapolation by a factor of ${
      fixed(plan.extrapolation.factor, 1)
    } ${plan.extrapolation.side} the fitted budgets (${scientific(plan.fittedFlops[0])} to ${
      scientific(plan.fittedFlops[1])
    })`;
  const repeats = plan.tokens > plan.uniqueTokens
    ? ` (${
      fixed(plan.tokens / plan.uniqueTokens, 1)
    } epochs of the store: repeated tokens counted at their worth, Muennighoff et al. 2023)`
    : "";
  return [
    `law          ${plan.lawSource} (Approach 3, C = 6ND)`,
    `budget       ${scientific(plan.flops)} FLOPs, ${range}`,
    `optimum      ${withCommas(plan.paramsOptimal)} parameters, ${
      withCommas(plan.tokensOptimal)
    } tokens (Approach 2: ${
      plan.paramsOptimalApproach2 ? compactInterval(plan.paramsOptimalApproach2) : "not fitted"
    }; chinchilla: ${compact(plan.paramsOptimalChinchilla)})`,
    `model        ${plural(model.layers, "layer")}, model_d ${model.modelD}, ${
      plural(model.heads, "head")
    }, vocab ${withCommas(model.vocab)}: ${withCommas(model.params)} parameters`,
    `training     ${withCommas(plan.steps)} steps, ${withCommas(plan.tokens)} tokens${repeats}`,
    `loss         ${loss}`,
  ].join("\n");
}

/** `formatLawPlan` as JSON. */
export function lawPlanToJson(plan: LawPlan): Record<string, unknown> {
  return {
    law: plan.lawSource,
    flops: plan.flops,
    params_optimal: plan.paramsOptimal,
    tokens_optimal: plan.tokensOptimal,
    params_optimal_approach2: plan.paramsOptimalApproach2
      ? estimateJson(plan.paramsOptimalApproach2)
      : null,
    params_optimal_chinchilla: plan.paramsOptimalChinchilla,
    model: {
      layers: plan.model.layers,
      model_d: plan.model.modelD,
      heads: plan.model.heads,
      vocab: plan.model.vocab,
      params: plan.model.params,
    },
    steps: plan.steps,
    tokens: plan.tokens,
    predicted_loss: plan.predictedLoss?.value ?? null,
    predicted_loss_interval: plan.predictedLoss?.interval ?? null,
    predicted_bits_per_byte: plan.predictedBitsPerByte?.[0] ?? null,
    prediction_withheld: plan.withheld,
    extrapolation_factor: plan.extrapolation.factor,
    extrapolation_side: plan.extrapolation.side,
    fitted_flops: plan.fittedFlops,
  };
}
