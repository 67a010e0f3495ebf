/**
 * A differentiable objective: writes ∇f(x) into `gradient` (same length as `x`) and returns f(x).
 * It must not keep `x` or `gradient`: the minimiser reuses both buffers.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Stopping rules and sizes of {@linkcode minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Pairs (s, y) kept for the inverse-Hessian estimate (default 10). */
  memory?: number;
  /** Iterations at most (default 1000). */
  maxIterations?: number;
  /** Stop when max |∂f/∂xᵢ| ≤ this (default 1e-10). */
  gradientTolerance?: number;
  /**
   * Stop when an iteration lowers f by at most this fraction of |f| (default 1e-13). Relative, with
   * no floor at 1: a Huber objective summed over runs is of order 1e-3, and an absolute floor
   * would stop it long before the optimum (SciPy's L-BFGS-B uses max(|f|, 1)).
   */
  relativeTolerance?: number;
}

/** Where {@linkcode minimizeLbfgs} stopped and why. */
export interface LbfgsResult {
  /** The last iterate: the minimiser's estimate of argmin f. */
  x: Float64Array;
  /** f(x). */
  value: number;
  /** ∇f(x). */
  gradient: Float64Array;
  /** Iterations taken. */
  iterations: number;
  /** Objective evaluations (each with its gradient). */
  evaluations: number;
  /** True when a tolerance was met; false after `maxIterations` or a failed line search. */
  converged: boolean;
  /** Why it stopped: `gradient`, `value`, `line search`, `iterations` or `not finite`. */
  reason: "gradient" | "value" | "line search" | "iterations" | "not finite";
}

// Wolfe constants of Nocedal & Wright, "Numerical Optimization" (2nd ed. 2006), §3.1: sufficient
// decrease c1 = 1e-4, curvature c2 = 0.9 (their advice for quasi-Newton methods).
const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH_STEPS = 40;

/**
 * Minimises `objective` from `start` by L-BFGS (Nocedal & Wright 2006, Algorithm 7.4 and 7.5): the
 * search direction is the two-loop recursion's product of the last `memory` curvature pairs with
 * the gradient, and each step satisfies the strong Wolfe conditions (Algorithm 3.5 and 3.6, the
 * zoom by safeguarded cubic interpolation), so every accepted pair has sᵀy > 0 and the estimate
 * stays positive definite. The first step is scaled to move at most one unit in x.
 *
 * @example
 * ```ts
 * import { minimizeLbfgs } from "./lbfgs.ts";
 * // f(x, y) = (x − 3)² + 10 (y + 1)²
 * const result = minimizeLbfgs((x, gradient) => {
 *   gradient[0] = 2 * (x[0] - 3);
 *   gradient[1] = 20 * (x[1] + 1);
 *   return (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2;
 * }, [0, 0]);
 * // result.x ≈ [3, −1], result.converged === true
 * ```
 */
export function minimizeLbfgs(
  objective: Objective,
  start: ArrayLike<number>,
  options: LbfgsOptions = {},
): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gradientTolerance = options.gradientTolerance ?? 1e-10;
  const relativeTolerance = options.relativeTolerance ?? 1e-13;
  const n = start.length;
  let x: Float64Array = Float64Array.from(start);
  let gradient: Float64Array = new Float64Array(n);
  let evaluations = 1;
  let value = objective(x, gradient);
  const result = (iterations: number, reason: LbfgsResult["reason"]): LbfgsResult => ({
    x,
    value,
    gradient,
    iterations,
    evaluations,
    converged: reason === "gradient" || reason === "value",
    reason,
  });
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) return result(0, "not finite");
  // The curvature pairs, oldest first: s = x_{k+1} − x_k, y = ∇f_{k+1} − ∇f_k, ρ = 1 / yᵀs.
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const direction = new Float64Array(n);
  const alphas = new Float64Array(memory);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= gradientTolerance) return result(iteration, "gradient");
    // Two-loop recursion: direction = −H·∇f, H the L-BFGS inverse-Hessian estimate.
    direction.set(gradient);
    for (let i = pairs.length - 1; i >= 0; i--) {
      alphas[i] = pairs[i].rho * dot(pairs[i].s, direction);
      axpy(-alphas[i], pairs[i].y, direction);
    }
    if (pairs.length) {
      // H₀ = γI with γ = sᵀy / yᵀy of the newest pair (Nocedal & Wright, Eq. 7.20).
      const newest = pairs[pairs.length - 1];
      scale(1 / (newest.rho * dot(newest.y, newest.y)), direction);
    } else {
      scale(1 / Math.max(1, Math.sqrt(dot(gradient, gradient))), direction);
    }
    for (let i = 0; i < pairs.length; i++) {
      const beta = pairs[i].rho * dot(pairs[i].y, direction);
      axpy(alphas[i] - beta, pairs[i].s, direction);
    }
    scale(-1, direction);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in a flat region): restart from steepest descent.
      pairs.length = 0;
      direction.set(gradient);
      scale(-1 / Math.max(1, Math.sqrt(dot(gradient, gradient))), direction);
      slope = dot(gradient, direction);
    }
    const step = strongWolfe(objective, x, value, slope, direction);
    evaluations += step.evaluations;
    if (!step.found) return result(iteration, "line search");
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.x[i] - x[i];
      y[i] = step.gradient[i] - gradient[i];
    }
    const previous = value;
    x = step.x;
    gradient = step.gradient;
    value = step.value;
    const sy = dot(s, y);
    if (sy > 0) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > memory) pairs.shift();
    }
    if (previous - value <= relativeTolerance * Math.max(Math.abs(previous), Math.abs(value))) {
      return result(iteration + 1, maxAbs(gradient) <= gradientTolerance ? "gradient" : "value");
    }
  }
  return result(maxIterations, "iterations");
}

interface LineSearchResult {
  found: boolean;
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  evaluations: number;
}

/** A step t along `direction` meeting the strong Wolfe conditions (Nocedal & Wright, Alg. 3.5). */
function strongWolfe(
  objective: Objective,
  x: Float64Array,
  value: number,
  slope: number,
  direction: Float64Array,
): LineSearchResult {
  const n = x.length;
  let evaluations = 0;
  const at = (t: number) => {
    const point = new Float64Array(n);
    for (let i = 0; i < n; i++) point[i] = x[i] + t * direction[i];
    const gradient = new Float64Array(n);
    evaluations++;
    const f = objective(point, gradient);
    const ok = Number.isFinite(f) && gradient.every(Number.isFinite);
    return {
      t,
      x: point,
      value: ok ? f : Infinity,
      gradient,
      slope: ok ? dot(gradient, direction) : NaN,
    };
  };
  type Point = ReturnType<typeof at>;
  const done = (p: Point): LineSearchResult => ({ found: true, ...p, evaluations });
  const failed = (): LineSearchResult => ({
    found: false,
    x,
    value,
    gradient: new Float64Array(n),
    evaluations,
  });
  const origin = { t: 0, value, slope };
  // zoom (Alg. 3.6): low satisfies sufficient decrease and has the lowest value so far; the minimum
  // lies between low and high.
  const zoom = (
    low: { t: number; value: number; slope: number },
    high: { t: number; value: number; slope: number },
  ) => {
    for (let k = 0; k < MAX_LINE_SEARCH_STEPS; k++) {
      const t = interpolate(low, high);
      const p = at(t);
      if (p.value > value + C1 * t * slope || p.value >= low.value) {
        high = p;
      } else {
        if (Math.abs(p.slope) <= -C2 * slope) return done(p);
        if (p.slope * (high.t - low.t) >= 0) high = low;
        low = p;
      }
      if (Math.abs(high.t - low.t) <= 1e-16 * Math.max(1, Math.abs(low.t))) break;
    }
    // The bracket collapsed: accept low if it decreased f (a Wolfe point to rounding), else fail.
    return low.t > 0 && low.value < value ? done(at(low.t)) : failed();
  };
  let previous: { t: number; value: number; slope: number } = origin;
  let t = 1;
  for (let k = 0; k < MAX_LINE_SEARCH_STEPS; k++) {
    const p = at(t);
    if (!Number.isFinite(p.value)) {
      // Overflow (e.g. exp of a large exponent): shrink the step towards the last good point.
      if (previous.t === 0 && t < 1e-20) return failed();
      t = previous.t + (t - previous.t) / 4;
      continue;
    }
    if (p.value > value + C1 * t * slope || (k > 0 && p.value >= previous.value)) {
      return zoom(previous, p);
    }
    if (Math.abs(p.slope) <= -C2 * slope) return done(p);
    if (p.slope >= 0) return zoom(p, previous);
    previous = p;
    t *= 2;
  }
  return failed();
}

/** The minimiser of the cubic through two points' values and slopes, kept inside the bracket. */
function interpolate(
  low: { t: number; value: number; slope: number },
  high: { t: number; value: number; slope: number },
): number {
  const lo = Math.min(low.t, high.t), hi = Math.max(low.t, high.t);
  const width = hi - lo;
  // Nocedal & Wright, Eq. 3.59.
  const d1 = low.slope + high.slope - 3 * (low.value - high.value) / (low.t - high.t);
  const root = d1 * d1 - low.slope * high.slope;
  let t = NaN;
  if (root >= 0 && Number.isFinite(high.slope)) {
    const d2 = Math.sign(high.t - low.t) * Math.sqrt(root);
    t = high.t - (high.t - low.t) * (high.slope + d2 - d1) / (high.slope - low.slope + 2 * d2);
  }
  // Safeguard: stay at least 10% of the bracket away from its ends, else bisect.
  if (!(t >= lo + 0.1 * width && t <= hi - 0.1 * width)) t = (lo + hi) / 2;
  return t;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function axpy(factor: number, from: Float64Array, into: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i] += factor * from[i];
}

function scale(factor: number, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) values[i] *= factor;
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max;
}
