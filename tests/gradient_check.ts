/**
 * Gradient checking against central finite differences, for the model's tests (cpu backend).
 * TensorFlow.js has no float64, so the differences are taken in float32 with a step large enough
 * that rounding (≈ ulp(f) / step) stays small, and two steps h and h/2 are combined by Richardson
 * extrapolation, (4·D(h/2) − D(h)) / 3, which cancels the h² term of the central difference's
 * truncation error: what is left is O(h⁴) plus rounding.
 */
import * as tf from "@tensorflow/tfjs-core";
import { Random } from "../model/gpt/random.ts";
import { AssertionError } from "./assert.ts";

export interface GradientCheckOptions {
  /** Finite-difference step h (default 1e-2). */
  step?: number;
  /** Allowed |analytic − numeric| ≤ absolute + relative · |numeric| (defaults 1e-4, 1e-2). */
  absolute?: number;
  relative?: number;
  /** Check at most this many coordinates per input, chosen at random (default: all). */
  coordinates?: number;
  /** Names of the inputs, for messages. */
  names?: string[];
}

/** What a check measured: how many coordinates, and the one closest to failing. */
export interface GradientCheckReport {
  checked: number;
  worst: { input: string; index: number; analytic: number; numeric: number } | null;
}

/**
 * Compares `tf.grads(f)` at `xs` with central differences D(h) = (f(x + h eᵢ) − f(x − h eᵢ)) / 2h,
 * extrapolated from h and h/2, for every coordinate i (or a random sample), throwing an
 * AssertionError on the first mismatch.
 */
export function checkGradients(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  options: GradientCheckOptions = {},
): GradientCheckReport {
  const { step = 1e-2, absolute = 1e-4, relative = 1e-2 } = options;
  const analytic = tf.tidy(() => tf.grads(f)(xs)).map((g) => {
    const values = g.dataSync().slice();
    g.dispose();
    return values;
  });
  const random = new Random(12345);
  const report: GradientCheckReport = { checked: 0, worst: null };
  let worstExcess = -Infinity;
  xs.forEach((x, input) => {
    const base = x.dataSync() as Float32Array;
    const indices = Array.from({ length: base.length }, (_, i) => i);
    const count = Math.min(options.coordinates ?? base.length, base.length);
    for (let i = 0; i < count; i++) { // partial Fisher–Yates: a random sample without repeats
      const j = i + random.int(base.length - i);
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    for (const index of indices.slice(0, count)) {
      const evaluate = (delta: number) =>
        tf.tidy(() => {
          const values = base.slice();
          values[index] += delta;
          const shifted = xs.map((other, k) =>
            k === input ? tf.tensor(values, x.shape, "float32") : other
          );
          return f(...shifted).dataSync()[0];
        });
      const central = (h: number) => (evaluate(h) - evaluate(-h)) / (2 * h);
      const numeric = (4 * central(step / 2) - central(step)) / 3;
      const value = analytic[input][index];
      const allowed = absolute + relative * Math.abs(numeric);
      const excess = Math.abs(value - numeric) - allowed;
      const name = options.names?.[input] ?? `input ${input}`;
      if (!(excess <= 0)) {
        throw new AssertionError(
          `gradient of ${name}[${index}]: analytic ${value} vs finite difference ${numeric} ` +
            `(allowed ${allowed.toExponential(2)})`,
        );
      }
      report.checked++;
      if (excess > worstExcess) {
        worstExcess = excess;
        report.worst = { input: name, index, analytic: value, numeric };
      }
    }
  });
  return report;
}

/** A float32 tensor of N(0, std²) numbers from a seeded generator (tests stay deterministic). */
export function randomTensor(shape: number[], seed: number, std = 1): tf.Tensor {
  const values = new Random(seed).fillNormal(
    new Float32Array(shape.reduce((a, b) => a * b, 1)),
    std,
  );
  return tf.tensor(values, shape, "float32");
}

/** Σ y ⊙ w for fixed random weights w: a scalar whose gradient reaches every element of y. */
export function weightedSum(y: tf.Tensor, seed = 99): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(y, randomTensor(y.shape, seed))) as tf.Scalar);
}
