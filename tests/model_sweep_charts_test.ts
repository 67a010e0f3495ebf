import { frontierChartSvg, isoflopChartSvg } from "../model/sweep/charts.ts";
import { COARSE_GRID, fitApproach2, fitApproach3 } from "../scaling/fit/mod.ts";
import { scalingLaw } from "../scaling/mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { simulateRuns } from "./scaling_fit_fixture.ts";

const LAW = { E: 2.5, A: 50, B: 200, alpha: 0.34, beta: 0.28 };
const runs = simulateRuns(
  LAW,
  { budgets: [1e12, 1e13, 1e14], sizeFactors: [0.25, 0.5, 1, 2, 4] },
  0.01,
  1,
);

/** Throws unless every tag closes in order (a small well-formedness check of the XML). */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) assertEquals(stack.pop(), name, `unbalanced ${tag}`);
    else stack.push(name);
  }
  assertEquals(stack, []);
  assert(!/[<>]/.test(svg.replaceAll(/<[^<>]*>/g, "")), "a stray < or > in the text");
  assert(!svg.includes("NaN"), "NaN in the SVG");
}

/** The body of each `<g class="series" data-name="...">` group, by name. */
function groups(svg: string): Map<string, string> {
  return new Map(
    [...svg.matchAll(/<g class="series" data-name="([^"]*)">([\s\S]*?)<\/g>/g)].map((
      m,
    ) => [m[1], m[2]]),
  );
}

const pairs = (text: string) => text.split(" ").map((pair) => pair.split(",").map(Number));

Deno.test("isoflop.svg: well formed, one dot per run, each minimum marker at its parabola's lowest point", () => {
  const fit = fitApproach2(runs, { resamples: 0 });
  const svg = isoflopChartSvg(runs, fit);
  assertWellFormed(svg);
  const byName = groups(svg);
  for (const budget of ["1.0e+12", "1.0e+13", "1.0e+14"]) {
    const name = `C = ${budget}`;
    assertEquals([...byName.get(name)!.matchAll(/<circle /g)].length, 5, name);
    const curve = pairs(/<polyline points="([^"]+)"/.exec(byName.get(`${name} parabola`)!)![1]);
    const marker = pairs(
      /<polygon class="marker" points="([^"]+)"/.exec(byName.get(`${name} minimum`)!)![1],
    );
    const center = [(marker[1][0] + marker[3][0]) / 2, (marker[0][1] + marker[2][1]) / 2];
    // The curve is sampled at N_opt itself: the marker sits on it, and no point of it is lower
    // (a larger y in SVG coordinates; equal ones are neighbours rounded to the same 0.1 px).
    assert(
      curve.some((p) => p[0] === center[0] && p[1] === center[1]),
      `${name}: marker on the curve`,
    );
    assert(curve.every((p) => p[1] <= center[1]), `${name}: marker at the curve's minimum`);
  }
  assertEquals([...svg.matchAll(/<circle /g)].length, runs.length);
});

Deno.test("frontier.svg: well formed, measured minima, the fitted line with its band, Approach 3 and Chinchilla", () => {
  const approach2 = fitApproach2(runs, { resamples: 200 });
  const approach3 = fitApproach3(runs, { grid: COARSE_GRID, resamples: 50 });
  const svg = frontierChartSvg(
    approach2,
    approach3,
    scalingLaw("chinchilla").frontier.paramsForCompute,
  );
  assertWellFormed(svg);
  const byName = [...groups(svg).entries()];
  assertEquals(byName.length, 4);
  assertEquals([...byName[0][1].matchAll(/<circle /g)].length, 3);
  assert(byName[1][0].startsWith("Approach 2: a = "), byName[1][0]);
  assertEquals([...svg.matchAll(/<polygon points="[^"]+" fill="#1f77b4" fill-opacity/g)].length, 1);
  assertEquals(byName[3][0], "Chinchilla (Hoffmann et al. 2022)");
  assert(svg.includes("stroke-dasharray"));
  // Log axes: ticks at powers of ten.
  assert(svg.includes(">1e+12<") && svg.includes(">1e+5<"), "power-of-ten tick labels");
  // Without Approach 3 the chart still draws.
  assertEquals(groups(frontierChartSvg(approach2, undefined, () => 1e5)).size, 3);
});
