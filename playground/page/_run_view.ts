/// <reference lib="dom" />
/**
 * The run view: its config, step, parameter count and val perplexity, and the loss curves of
 * `metrics.jsonl` drawn by the toolkit's own SVG chart (the picture `loss.svg` holds). Zoom: drag
 * across the chart to show only those steps; double-click to show all.
 */
import { lossPlotSvg, type MetricsRecord } from "../../model/run/metrics.ts";
import { niceScale } from "../../model/run/plot.ts";
import { byTestId, element } from "./_dom.ts";
import type { RunSummary } from "./_load.ts";

// lineChartSvg's default size and left/right margins (model/run/plot.ts).
const WIDTH = 720, LEFT = 64, RIGHT = 20;

/** Fills the run's facts and draws its losses. */
export function drawRun(summary: RunSummary, records: MetricsRecord[], backend: string): void {
  const { config } = summary;
  const lastVal = records.findLast((r) => r.val_ppl !== undefined);
  const facts: [string, string][] = [
    ["run", summary.run],
    ["checkpoint", summary.checkpoint.slice(summary.checkpoint.lastIndexOf("/") + 1)],
    ["step", String(summary.step)],
    ["parameters", summary.parameter_count.toLocaleString("en")],
    [
      "config",
      `${config.layers} layers, model_d ${config.model_d}, ${config.heads} heads, ` +
      `vocab ${config.vocab}, ctx ${config.ctx}, block ${config.block}`,
    ],
    ["tokens seen", summary.tokens_seen.toLocaleString("en")],
    [
      "val perplexity",
      lastVal ? `${lastVal.val_ppl!.toFixed(2)} (step ${lastVal.step})` : "no eval yet",
    ],
    ["backend", backend],
  ];
  byTestId("run-info").replaceChildren(
    ...facts.flatMap(([term, value]) => [element("dt", term), element("dd", value)]),
  );
  drawLosses(records, null);
}

function drawLosses(records: MetricsRecord[], range: [number, number] | null): void {
  const chart = byTestId("loss-chart");
  const shown = range ? records.filter((r) => r.step >= range[0] && r.step <= range[1]) : records;
  chart.innerHTML = lossPlotSvg(shown, range ? `loss, steps ${range[0]}–${range[1]}` : "loss");
  chart.dataset.points = String(shown.length);
  chart.dataset.steps = shown.map((r) => r.step).join(",");
  const svg = chart.querySelector("svg")!;
  // The x axis spans niceScale of every point's step (train and val points share their step).
  const axis = niceScale(shown.map((r) => r.step));
  const stepAt = (event: MouseEvent) => {
    const box = svg.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * WIDTH;
    const fraction = Math.min(1, Math.max(0, (x - LEFT) / (WIDTH - LEFT - RIGHT)));
    return axis.min + fraction * (axis.max - axis.min);
  };
  let from: number | null = null;
  svg.addEventListener("mousedown", (event) => from = stepAt(event));
  svg.addEventListener("mouseup", (event) => {
    if (from === null) return;
    const to = stepAt(event);
    const [lo, hi] = [Math.min(from, to), Math.max(from, to)];
    from = null;
    const inside = records.filter((r) => r.step >= lo && r.step <= hi).length;
    if (hi - lo > 0 && inside >= 2) drawLosses(records, [Math.ceil(lo), Math.floor(hi)]);
  });
  svg.addEventListener("dblclick", () => drawLosses(records, null));
}
