/**
 * Approach 3's objective (Hoffmann et al. 2022, §3.3 and Appendix D.2): for parameters
 * x = (a, b, e, α, β) = (log A, log B, log E, α, β) and runs i with N_i, D_i, L_i,
 *
 *   f(x) = Σ_i Huber_δ( LSE(a − α log N_i, b − β log D_i, e) − log L_i ),
 *
 * where LSE is log-sum-exp, so LSE(...) = log(E + A/N^α + B/D^β): the fit is of log-loss, and E, A,
 * B stay positive without constraints. Huber_δ(r) = r²/2 for |r| ≤ δ, δ(|r| − δ/2) beyond.
 */
export interface HuberPoints {
  /** log N_i. */
  logParams: Float64Array;
  /** log D_i. */
  logTokens: Float64Array;
  /** log L_i. */
  logLoss: Float64Array;
}

/** The five parameters' positions in x. */
export const PARAM_INDEX = { a: 0, b: 1, e: 2, alpha: 3, beta: 4 } as const;

/** The points in log space. */
export function huberPoints(params: number[], tokens: number[], losses: number[]): HuberPoints {
  return {
    logParams: Float64Array.from(params, Math.log),
    logTokens: Float64Array.from(tokens, Math.log),
    logLoss: Float64Array.from(losses, Math.log),
  };
}

/**
 * f(x) and its analytic gradient (into `gradient`), over the points at `indices` (a bootstrap
 * resample, repeats allowed) or all of them. With w_j the softmax weights of the three LSE terms,
 * ∂LSE/∂a = w₁, ∂/∂α = −w₁ log N, ∂/∂b = w₂, ∂/∂β = −w₂ log D, ∂/∂e = w₃; ∂Huber/∂r = clamp(r, ±δ).
 */
export function huberObjective(
  points: HuberPoints,
  delta: number,
  x: Float64Array,
  gradient: Float64Array,
  indices?: Int32Array,
): number {
  const [a, b, e, alpha, beta] = x;
  let total = 0, ga = 0, gb = 0, ge = 0, gAlpha = 0, gBeta = 0;
  const count = indices ? indices.length : points.logLoss.length;
  for (let k = 0; k < count; k++) {
    const i = indices ? indices[k] : k;
    const logN = points.logParams[i], logD = points.logTokens[i];
    const t1 = a - alpha * logN, t2 = b - beta * logD;
    const top = Math.max(t1, t2, e);
    const w1 = Math.exp(t1 - top), w2 = Math.exp(t2 - top), w3 = Math.exp(e - top);
    const sum = w1 + w2 + w3;
    const residual = top + Math.log(sum) - points.logLoss[i];
    let slope: number;
    if (Math.abs(residual) <= delta) {
      total += 0.5 * residual * residual;
      slope = residual;
    } else {
      total += delta * (Math.abs(residual) - 0.5 * delta);
      slope = residual > 0 ? delta : -delta;
    }
    const s1 = slope * w1 / sum, s2 = slope * w2 / sum;
    ga += s1;
    gAlpha -= s1 * logN;
    gb += s2;
    gBeta -= s2 * logD;
    ge += slope * w3 / sum;
  }
  gradient[0] = ga;
  gradient[1] = gb;
  gradient[2] = ge;
  gradient[3] = gAlpha;
  gradient[4] = gBeta;
  return total;
}
