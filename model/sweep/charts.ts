import { lineChartSvg, type Series } from "../run/mod.ts";
import { parametricFrontier } from "../../scaling/mod.ts";
import {
  type Approach2Fit,
  type Approach3Fit,
  approach3LossFit,
  optimalParamsAt,
  type SweepRun,
} from "../../scaling/fit/mod.ts";

// Matplotlib's "tab10" colours, one per budget.
const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];
const CURVE_POINTS = 48;

/**
 * `isoflop.svg`: loss against N (log axis) for each budget of a sweep: its runs as dots, the
 * fitted parabola of Approach 2 over the sizes tried (and half a size step beyond), and its
 * minimum N_opt(C) as a diamond (none when the parabola opens downward). N is the count the fit
 * used (`fit.paramsCount`).
 *
 * @example
 * ```ts
 * import { isoflopChartSvg } from "./charts.ts";
 * import { fitApproach2 } from "../../scaling/fit/mod.ts";
 * const runs = [1e12, 1e13].flatMap((budget) =>
 *   [1e5, 2e5, 4e5].map((params) => ({
 *     budget, params, tokens: budget / (6 * params), loss: 4 + (Math.log(params) - Math.log(2e5 * budget / 1e12)) ** 2,
 *   }))
 * );
 * const svg = isoflopChartSvg(runs, fitApproach2(runs, { resamples: 0 }));
 * ```
 */
export function isoflopChartSvg(runs: SweepRun[], fit: Approach2Fit): string {
  const paramsOf = (run: SweepRun) =>
    fit.paramsCount === "all" ? run.params : run.nonEmbeddingParams ?? NaN;
  const series: Series[] = fit.profiles.flatMap((profile, index): Series[] => {
    const color = PALETTE[index % PALETTE.length];
    const name = `C = ${profile.budget.toExponential(1)}`;
    const points = runs.filter((run) => run.budget === profile.budget)
      .map((run) => ({ x: paramsOf(run), y: run.loss }));
    const [low, high] = profile.paramsRange.map(Math.log);
    const margin = (high - low) / 8;
    const xs = Array.from(
      { length: CURVE_POINTS },
      (_, k) => low - margin + (k / (CURVE_POINTS - 1)) * (high - low + 2 * margin),
    );
    if (profile.optimalParams !== null) xs.push(Math.log(profile.optimalParams));
    xs.sort((x, y) => x - y);
    const [c0, c1, c2] = profile.parabola.coefficients;
    const curve = xs.map((x) => {
      const u = x - profile.parabola.center;
      return { x: Math.exp(x), y: c0 + c1 * u + c2 * u * u };
    });
    const out: Series[] = [
      { name, color, points, markers: true, line: false },
      { name: `${name} parabola`, color, points: curve, legend: false },
    ];
    if (profile.optimalParams !== null) {
      out.push({
        name: `${name} minimum`,
        color,
        points: [{ x: profile.optimalParams, y: profile.optimalLoss! }],
        markers: true,
        markerShape: "diamond",
        line: false,
        legend: false,
      });
    }
    return out;
  });
  return lineChartSvg(series, {
    title: "IsoFLOP profiles (Approach 2): loss against model size per compute budget",
    xLabel: `parameters N (${fit.paramsCount === "all" ? "all" : "non-embedding"}, log scale)`,
    yLabel: "final validation loss (nats per token)",
    xScale: "log",
  });
}

/**
 * `frontier.svg`: N_opt against C on log-log axes: each budget's measured N_opt (Approach 2's
 * parabola minima), the fitted power law N_opt = G·C^a with its 95% bootstrap band, Approach 3's
 * frontier when given (closed form under C = 6ND), and `chinchilla(C)` for comparison (pass
 * `scalingLaw("chinchilla").frontier.paramsForCompute` from scaling/laws.ts). The lines span the
 * budgets fitted, widened by a factor of 3 each way.
 *
 * @example
 * ```ts
 * import { frontierChartSvg } from "./charts.ts";
 * import { scalingLaw } from "../../scaling/mod.ts";
 * import type { Approach2Fit } from "../../scaling/fit/mod.ts";
 * const chart = (fit: Approach2Fit) =>
 *   frontierChartSvg(fit, undefined, scalingLaw("chinchilla").frontier.paramsForCompute);
 * ```
 */
export function frontierChartSvg(
  approach2: Approach2Fit,
  approach3: Approach3Fit | undefined,
  chinchilla: (flops: number) => number,
): string {
  const [low, high] = approach2.budgetRange.map(Math.log);
  const flops = Array.from(
    { length: CURVE_POINTS },
    (_, k) =>
      Math.exp(low - Math.log(3) + (k / (CURVE_POINTS - 1)) * (high - low + 2 * Math.log(3))),
  );
  const fitted = flops.map((c) => ({ c, at: optimalParamsAt(approach2, c) }));
  const a = approach2.optimalParams.exponent;
  const series: Series[] = [
    {
      name: "measured N_opt (parabola minima)",
      color: "#1f77b4",
      points: approach2.profiles.filter((p) => p.optimalParams !== null)
        .map((p) => ({ x: p.budget, y: p.optimalParams! })),
      markers: true,
      line: false,
    },
    {
      name: `Approach 2: a = ${a.value.toFixed(3)} [${
        a.interval.map((v) => v.toFixed(3)).join(", ")
      }]`,
      color: "#1f77b4",
      points: fitted.map(({ c, at }) => ({ x: c, y: at.value })),
      band: fitted.map(({ c, at }) => ({ x: c, low: at.interval[0], high: at.interval[1] })),
    },
  ];
  if (approach3) {
    const frontier = parametricFrontier(approach3LossFit(approach3, "Approach 3"));
    series.push({
      name: `Approach 3: a = ${approach3.paramsExponent.value.toFixed(3)}`,
      color: "#ff7f0e",
      points: flops.map((c) => ({ x: c, y: frontier.paramsForCompute(c) })),
      dashed: true,
    });
  }
  series.push({
    name: "Chinchilla (Hoffmann et al. 2022)",
    color: "#7f7f7f",
    points: flops.map((c) => ({ x: c, y: chinchilla(c) })),
    dashed: true,
  });
  return lineChartSvg(series, {
    title: "Compute-optimal model size N_opt(C)",
    xLabel: "training compute C (FLOPs, log scale)",
    yLabel: `N_opt (${approach2.paramsCount === "all" ? "all" : "non-embedding"} parameters)`,
    xScale: "log",
    yScale: "log",
  });
}
