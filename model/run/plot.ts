/** One series of a line chart: its points, its name in the legend, its colour. */
export interface Series {
  /** Name in the legend. */
  name: string;
  /** SVG colour of the line. */
  color: string;
  /** The points, in drawing order. */
  points: { x: number; y: number }[];
  /** Draw a dot at every point (for sparse series such as val loss). */
  markers?: boolean;
  /** The dots' shape (default `circle`; `diamond` marks a special point, such as a minimum). */
  markerShape?: "circle" | "diamond";
  /** Join the points with a line (default true; false for a scatter of markers). */
  line?: boolean;
  /** Draw the line dashed. */
  dashed?: boolean;
  /** Show the series in the legend (default true). */
  legend?: boolean;
  /** A shaded band behind the series (an interval): its lower and upper edge at each x. */
  band?: { x: number; low: number; high: number }[];
}

/** Title, axis labels and size (pixels; default 720 × 420) of a chart. */
export interface ChartOptions {
  /** Title above the chart. */
  title: string;
  /** Label of the x axis. */
  xLabel: string;
  /** Label of the y axis. */
  yLabel: string;
  /** Width in pixels (default 720). */
  width?: number;
  /** Height in pixels (default 420). */
  height?: number;
  /** The x axis: `linear` (default) or `log` (base 10; points with x ≤ 0 are skipped). */
  xScale?: "linear" | "log";
  /** The y axis: `linear` (default) or `log`. */
  yScale?: "linear" | "log";
}

/**
 * A line chart as a standalone SVG document: axes with round-number ticks (linear, or powers of ten
 * on a log axis), one polyline per series (or only markers), optional shaded bands, a legend.
 * Non-finite points are skipped, so a NaN at the end of a failed run does not break the picture.
 *
 * @example
 * ```ts
 * const svg = lineChartSvg([{ name: "train", color: "#1f77b4", points: [{ x: 1, y: 5 }, { x: 2, y: 4 }] }],
 *   { title: "loss", xLabel: "step", yLabel: "nats" });
 * ```
 */
export function lineChartSvg(series: Series[], options: ChartOptions): string {
  const width = options.width ?? 720, height = options.height ?? 420;
  const margin = { left: 64, right: 20, top: 36, bottom: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const xLog = options.xScale === "log", yLog = options.yScale === "log";
  const shown = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!xLog || x > 0) && (!yLog || y > 0);
  const finite = series.map((s) => ({
    ...s,
    points: s.points.filter((p) => shown(p.x, p.y)),
    band: (s.band ?? []).filter((b) => shown(b.x, b.low) && shown(b.x, b.high)),
  }));
  const all = finite.flatMap((s) => [
    ...s.points,
    ...s.band.flatMap((b) => [{ x: b.x, y: b.low }, { x: b.x, y: b.high }]),
  ]);
  const xs = axisScale(all.map((p) => p.x), xLog), ys = axisScale(all.map((p) => p.y), yLog);
  const px = (x: number) =>
    margin.left + ((xs.position(x) - xs.min) / (xs.max - xs.min)) * plotWidth;
  const py = (y: number) =>
    margin.top + plotHeight - ((ys.position(y) - ys.min) / (ys.max - ys.min)) * plotHeight;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${
      escape(options.title)
    }</text>`,
  ];
  for (const tick of xs.ticks) {
    const x = fixed(px(tick));
    out.push(
      `<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${
        margin.top + plotHeight
      }" stroke="#eee"/>`,
      `<text x="${x}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${
        label(tick)
      }</text>`,
    );
  }
  for (const tick of ys.ticks) {
    const y = fixed(py(tick));
    out.push(
      `<line x1="${margin.left}" y1="${y}" x2="${
        margin.left + plotWidth
      }" y2="${y}" stroke="#eee"/>`,
      `<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${
        label(tick)
      }</text>`,
    );
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" ` +
      `fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">${
      escape(options.xLabel)
    }</text>`,
    `<text transform="translate(16 ${
      margin.top + plotHeight / 2
    }) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`,
  );
  for (const s of finite) {
    if (s.band.length) {
      const edge = [
        ...s.band.map((b) => ({ x: b.x, y: b.high })),
        ...s.band.reverse().map((b) => ({ x: b.x, y: b.low })),
      ];
      out.push(
        `<polygon points="${edge.map((p) => `${fixed(px(p.x))},${fixed(py(p.y))}`).join(" ")}" ` +
          `fill="${s.color}" fill-opacity="0.15" stroke="none"/>`,
      );
    }
  }
  let legendIndex = 0;
  // About 7 px per character at font-size 12, so the longest name ends inside the plot.
  const longestName = Math.max(
    0,
    ...finite.filter((s) => s.legend !== false).map((s) => s.name.length),
  );
  for (const s of finite) {
    out.push(`<g class="series" data-name="${escape(s.name)}">`);
    if (s.points.length && s.line !== false) {
      const path = s.points.map((p) => `${fixed(px(p.x))},${fixed(py(p.y))}`).join(" ");
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
      out.push(
        `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="1.5"${dash}/>`,
      );
    }
    if (s.markers) {
      for (const p of s.points) out.push(marker(px(p.x), py(p.y), s.color, s.markerShape));
    }
    out.push("</g>");
    if (s.legend === false) continue;
    const legendY = margin.top + 14 + legendIndex++ * 18;
    const legendX = margin.left + plotWidth - 40 - 7 * longestName;
    out.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${
        legendX + 24
      }" y2="${legendY}" stroke="${s.color}" ` +
        `stroke-width="3"/>`,
      `<text x="${legendX + 30}" y="${legendY}" dominant-baseline="middle">${
        escape(s.name)
      }</text>`,
    );
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** A dot at (x, y) in pixels: a circle, or a diamond for a marked point. */
function marker(x: number, y: number, color: string, shape: Series["markerShape"]): string {
  if (shape === "diamond") {
    const r = 5;
    const corners = [[x, y - r], [x + r, y], [x, y + r], [x - r, y]];
    return `<polygon class="marker" points="${
      corners.map(([a, b]) => `${fixed(a)},${fixed(b)}`).join(" ")
    }" ` +
      `fill="${color}" stroke="black"/>`;
  }
  return `<circle cx="${fixed(x)}" cy="${fixed(y)}" r="3" fill="${color}"/>`;
}

/**
 * An axis: its range and ticks in data units, and `position`, the coordinate it is drawn in
 * (the value itself, or log10 of it on a log axis, whose ticks are powers of ten).
 */
function axisScale(
  values: number[],
  log: boolean,
): { min: number; max: number; ticks: number[]; position: (value: number) => number } {
  if (!log) return { ...niceScale(values), position: (value) => value };
  const logs = values.map(Math.log10);
  let low = Math.floor(logs.length ? Math.min(...logs) : 0);
  let high = Math.ceil(logs.length ? Math.max(...logs) : 1);
  if (low === high) {
    low -= 1;
    high += 1;
  }
  const ticks: number[] = [];
  for (let power = low; power <= high; power++) ticks.push(10 ** power);
  return { min: low, max: high, ticks, position: Math.log10 };
}

/**
 * An axis range widened to round numbers, and ticks at a step of 1, 2 or 5 times a power of ten
 * (about five ticks), so the labels read well.
 */
export function niceScale(values: number[]): { min: number; max: number; ticks: number[] } {
  let min = values.length ? Math.min(...values) : 0;
  let max = values.length ? Math.max(...values) : 1;
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const rough = (max - min) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const lo = Math.floor(min / step) * step, hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(round(lo + i * step, step));
  return { min: lo, max: hi, ticks };
}

function round(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(digits, 20)));
}

function label(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) {
    const text = value.toExponential(1);
    return text.includes(".0e") ? text.replace(".0e", "e") : text;
  }
  return String(value);
}

function fixed(value: number): string {
  return value.toFixed(1);
}

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
