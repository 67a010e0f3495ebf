/**
 * The GPT's element-wise work for the native path, each forward beside its backward, fused so that
 * one loop over a row does what tfjs does in five to ten kernels. The equations are those of the
 * tfjs ops in `model/gpt/ops/` (same ε placement, same GELU approximation), which the tests check
 * these against.
 *
 * Shapes: N = rows (batch × time), C = model_d, F = 4·C, T = time, V = vocabulary. Every array is
 * row-major; a `*Offset` argument is where a matrix starts inside a larger buffer.
 *
 * @module
 */
import { exp32, tanh32 } from "./_fast_math.ts";

/**
 * LayerNorm as the microGPT study writes it (ε added to σ, not σ²): per row of C,
 * x̂ = (x − μ) / (σ + ε), y = gain · x̂ + bias. Keeps x̂ and σ for the backward pass.
 */
export function layerNormForward(
  x: Float32Array,
  gain: Float32Array,
  gainOffset: number,
  bias: Float32Array,
  biasOffset: number,
  y: Float32Array,
  xHat: Float32Array,
  sigma: Float32Array,
  rows: number,
  width: number,
  eps: number,
): void {
  for (let row = 0; row < rows; row++) {
    const start = row * width;
    let sum = 0;
    for (let c = 0; c < width; c++) sum += x[start + c];
    const mean = sum / width;
    let squares = 0;
    for (let c = 0; c < width; c++) {
      const centred = x[start + c] - mean;
      squares += centred * centred;
    }
    const std = Math.sqrt(squares / width);
    const inverse = 1 / (std + eps);
    sigma[row] = std;
    for (let c = 0; c < width; c++) {
      const normalised = (x[start + c] - mean) * inverse;
      xHat[start + c] = normalised;
      y[start + c] = normalised * gain[gainOffset + c] + bias[biasOffset + c];
    }
  }
}

/**
 * LayerNorm's backward (closed form, see `model/gpt/ops/layer_norm.ts`): with g = dy ⊙ gain,
 * dx = (g − mean g) / (σ + ε) − x̂ · mean(g ⊙ x̂) / σ; dgain += Σ dy ⊙ x̂; dbias += Σ dy.
 * `dx` is added to (`accumulate`) or overwritten.
 */
export function layerNormBackward(
  dy: Float32Array,
  xHat: Float32Array,
  sigma: Float32Array,
  gain: Float32Array,
  gainOffset: number,
  dGain: Float32Array,
  dBias: Float32Array,
  paramOffsets: { gain: number; bias: number },
  dx: Float32Array,
  accumulate: boolean,
  rows: number,
  width: number,
  eps: number,
): void {
  const gainAt = paramOffsets.gain, biasAt = paramOffsets.bias;
  for (let row = 0; row < rows; row++) {
    const start = row * width;
    let meanG = 0, meanGxHat = 0;
    for (let c = 0; c < width; c++) {
      const d = dy[start + c];
      const g = d * gain[gainOffset + c];
      const h = xHat[start + c];
      meanG += g;
      meanGxHat += g * h;
      dGain[gainAt + c] += d * h;
      dBias[biasAt + c] += d;
    }
    meanG /= width;
    meanGxHat /= width;
    const std = sigma[row];
    const inverse = 1 / (std + eps);
    const projection = meanGxHat / Math.max(std, 1e-30);
    for (let c = 0; c < width; c++) {
      const g = dy[start + c] * gain[gainOffset + c];
      const value = (g - meanG) * inverse - xHat[start + c] * projection;
      if (accumulate) dx[start + c] += value;
      else dx[start + c] = value;
    }
  }
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/**
 * GELU, tanh form (`jax.nn.gelu`'s default): y = ½ x (1 + tanh u), u = √(2/π)(x + 0.044715 x³),
 * in place over `count` values starting at 0 of `x` → `y`; tanh u is kept for the backward pass.
 */
export function geluForward(x: Float32Array, tanhU: Float32Array, y: Float32Array, count: number) {
  for (let i = 0; i < count; i++) {
    const v = x[i];
    const t = tanh32(SQRT_2_OVER_PI * (v + CUBIC * v * v * v));
    tanhU[i] = t;
    y[i] = 0.5 * v * (1 + t);
  }
}

/** dx = dy · gelu'(x), in place in `dy`: gelu'(x) = ½(1 + t) + ½ x (1 − t²) √(2/π)(1 + 3·0.044715 x²). */
export function geluBackward(
  x: Float32Array,
  tanhU: Float32Array,
  dy: Float32Array,
  count: number,
) {
  for (let i = 0; i < count; i++) {
    const v = x[i], t = tanhU[i];
    const slope = SQRT_2_OVER_PI * (1 + 3 * CUBIC * v * v);
    dy[i] *= 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * slope;
  }
}

/**
 * Causal softmax of one T×T block of scores, in place: row i keeps keys j ≤ i (softmax over them)
 * and sets the rest to 0 (as an additive −1e9 mask does in float32).
 */
export function causalSoftmax(scores: Float32Array, offset: number, time: number): void {
  for (let i = 0; i < time; i++) {
    const row = offset + i * time;
    let max = -Infinity;
    for (let j = 0; j <= i; j++) if (scores[row + j] > max) max = scores[row + j];
    let sum = 0;
    for (let j = 0; j <= i; j++) {
      const e = exp32(scores[row + j] - max);
      scores[row + j] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let j = 0; j <= i; j++) scores[row + j] *= inverse;
    for (let j = i + 1; j < time; j++) scores[row + j] = 0;
  }
}

/** Softmax backward on one causal T×T block, in place in `dP`: dS = P ⊙ (dP − Σⱼ dPⱼ Pⱼ). */
export function causalSoftmaxBackward(
  probs: Float32Array,
  probsOffset: number,
  dP: Float32Array,
  time: number,
): void {
  for (let i = 0; i < time; i++) {
    const row = i * time, probRow = probsOffset + i * time;
    let dot = 0;
    for (let j = 0; j <= i; j++) dot += dP[row + j] * probs[probRow + j];
    for (let j = 0; j <= i; j++) dP[row + j] = probs[probRow + j] * (dP[row + j] - dot);
    for (let j = i + 1; j < time; j++) dP[row + j] = 0;
  }
}

/**
 * Where the targets of a pass are: window w's targets are the ctx ids after `offset + w · stride`
 * (positions 1 … ctx of each window of ctx + 1 ids).
 */
export interface TargetWindows {
  ids: Int32Array;
  offset: number;
  stride: number;
  /** Positions per window (ctx). */
  time: number;
}

function targetOf(targets: TargetWindows, row: number): number {
  const window = Math.floor(row / targets.time);
  return targets.ids[targets.offset + window * targets.stride + (row - window * targets.time)];
}

function rowMax(logits: Float32Array, start: number, vocab: number): number {
  let max = -Infinity;
  for (let j = 0; j < vocab; j++) if (logits[start + j] > max) max = logits[start + j];
  return max;
}

/**
 * Cross-entropy of each row's target under softmax(logits), and its gradient in place of the
 * logits: (softmax − onehot) · `gradientScale`. Returns the sum of the rows' losses (nats).
 * With m = max z, log p_t = (z_t − m) − log Σ exp(z − m), so no exp overflows.
 */
export function crossEntropyWithGradient(
  logits: Float32Array,
  targets: TargetWindows,
  rows: number,
  vocab: number,
  gradientScale: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const start = r * vocab, target = targetOf(targets, r);
    const max = rowMax(logits, start, vocab);
    const shiftedTarget = logits[start + target] - max;
    let sum = 0;
    for (let j = 0; j < vocab; j++) {
      const e = exp32(logits[start + j] - max);
      logits[start + j] = e;
      sum += e;
    }
    total += Math.log(sum) - shiftedTarget;
    const scale = gradientScale / sum;
    for (let j = 0; j < vocab; j++) logits[start + j] *= scale;
    logits[start + target] -= gradientScale;
  }
  return total;
}

/** The same losses without a gradient (evaluation): the logits are left unchanged. */
export function crossEntropyLoss(
  logits: Float32Array,
  targets: TargetWindows,
  rows: number,
  vocab: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const start = r * vocab;
    const max = rowMax(logits, start, vocab);
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += exp32(logits[start + j] - max);
    total += Math.log(sum) - (logits[start + targetOf(targets, r)] - max);
  }
  return total;
}

/** Every row of `out` (rows × width) set to `bias` (so that a following GEMM with β = 1 adds to it). */
export function fillRows(
  out: Float32Array,
  bias: Float32Array,
  biasOffset: number,
  rows: number,
  width: number,
): void {
  const row = bias.subarray(biasOffset, biasOffset + width);
  for (let r = 0; r < rows; r++) out.set(row, r * width);
}

/** sums[offset + c] += Σ_rows m[row, c] (a bias's gradient). */
export function addColumnSums(
  m: Float32Array,
  rows: number,
  width: number,
  sums: Float32Array,
  offset: number,
): void {
  for (let r = 0; r < rows; r++) {
    const start = r * width;
    for (let c = 0; c < width; c++) sums[offset + c] += m[start + c];
  }
}

/** out = a + b over `count` values (a residual connection). */
export function addInto(out: Float32Array, a: Float32Array, b: Float32Array, count: number) {
  for (let i = 0; i < count; i++) out[i] = a[i] + b[i];
}
