import { minimizeLbfgs } from "../scaling/fit/mod.ts";
import { huberObjective, huberPoints } from "../scaling/fit/_huber_objective.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { epochFigure4Runs } from "./scaling_fit_fixture.ts";

Deno.test("L-BFGS finds Rosenbrock's minimum (1, 1) from the classic start (−1.2, 1)", () => {
  // f(x, y) = (1 − x)² + 100 (y − x²)²: a curved narrow valley (Nocedal & Wright 2006, Ex. 2.1).
  const result = minimizeLbfgs((x, gradient) => {
    const [u, v] = x;
    gradient[0] = -2 * (1 - u) - 400 * u * (v - u * u);
    gradient[1] = 200 * (v - u * u);
    return (1 - u) ** 2 + 100 * (v - u * u) ** 2;
  }, [-1.2, 1]);
  assert(result.converged, `stopped: ${result.reason}`);
  assertAlmostEquals(result.x[0], 1, 1e-6);
  assertAlmostEquals(result.x[1], 1, 1e-6);
  assert(result.value < 1e-12, `f = ${result.value}`);
  assert(result.iterations < 100, `${result.iterations} iterations`);
});

Deno.test("L-BFGS solves an ill-conditioned 20-dimensional quadratic (condition number 1e4)", () => {
  // f(x) = ½ Σ cᵢ (xᵢ − i)², cᵢ from 1 to 1e4: the minimum is xᵢ = i.
  const n = 20;
  const curvature = Array.from({ length: n }, (_, i) => 10 ** (4 * i / (n - 1)));
  const result = minimizeLbfgs(
    (x, gradient) => {
      let value = 0;
      for (let i = 0; i < n; i++) {
        gradient[i] = curvature[i] * (x[i] - i);
        value += 0.5 * curvature[i] * (x[i] - i) ** 2;
      }
      return value;
    },
    new Array(n).fill(0),
    { memory: 10 },
  );
  assert(result.converged, `stopped: ${result.reason}`);
  for (let i = 0; i < n; i++) assertAlmostEquals(result.x[i], i, 1e-6);
});

Deno.test("L-BFGS reports an objective that is not finite at the start instead of looping", () => {
  const result = minimizeLbfgs((_x, gradient) => {
    gradient[0] = NaN;
    return NaN;
  }, [0]);
  assertEquals(result.reason, "not finite");
  assertEquals(result.converged, false);
});

Deno.test("Approach 3's analytic gradient matches central finite differences", async () => {
  const runs = (await epochFigure4Runs()).slice(0, 60);
  const points = huberPoints(
    runs.map((run) => run.params),
    runs.map((run) => run.tokens),
    runs.map((run) => run.loss),
  );
  const resample = Int32Array.from([0, 0, 3, 7, 7, 7, 12, 59]);
  // Near the optimum (residuals straddle δ) and far from it (every residual beyond δ), all runs and a
  // resample with repeats; δ = 0.05 puts many residuals in the quadratic part too.
  const cases: [number[], number, Int32Array | undefined][] = [
    [[6.17, 7.67, 0.597, 0.347, 0.367], 1e-3, undefined],
    [[6.17, 7.67, 0.597, 0.347, 0.367], 0.05, undefined],
    [[2, 12, -0.5, 0.9, 0.2], 1e-3, undefined],
    [[6.0, 7.5, 0.55, 0.34, 0.36], 0.05, resample],
  ];
  for (const [start, delta, indices] of cases) {
    const x = Float64Array.from(start),
      gradient = new Float64Array(5),
      scratch = new Float64Array(5);
    huberObjective(points, delta, x, gradient, indices);
    // Tolerance relative to the largest component: a component of 1e-12 is 0 to rounding.
    const largest = Math.max(...gradient.map(Math.abs));
    for (let j = 0; j < 5; j++) {
      const h = 1e-6, plus = Float64Array.from(x), minus = Float64Array.from(x);
      plus[j] += h;
      minus[j] -= h;
      const numeric = (huberObjective(points, delta, plus, scratch, indices) -
        huberObjective(points, delta, minus, scratch, indices)) / (2 * h);
      assert(
        Math.abs(gradient[j] - numeric) <= 1e-5 * Math.max(Math.abs(numeric), 1e-3 * largest),
        `∂f/∂x${j} at ${start} (δ ${delta}): analytic ${gradient[j]}, numeric ${numeric}`,
      );
    }
  }
});
