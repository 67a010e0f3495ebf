import type { Parabola } from "./types.ts";

/** The least-squares parabola through (x, y); at least 3 distinct x. */
export function fitParabola(x: number[], y: number[]): Parabola {
  const center = x.reduce((sum, v) => sum + v, 0) / x.length;
  // Normal equations: Σ u^(i+j) c_j = Σ u^i y for i, j in 0..2.
  const moments = [0, 0, 0, 0, 0], right = [0, 0, 0];
  for (let k = 0; k < x.length; k++) {
    const u = x[k] - center;
    let power = 1;
    for (let p = 0; p <= 4; p++) {
      moments[p] += power;
      if (p <= 2) right[p] += power * y[k];
      power *= u;
    }
  }
  const matrix = [0, 1, 2].map((i) => [0, 1, 2].map((j) => moments[i + j]));
  return { center, coefficients: solve3(matrix, right) };
}

/** The parabola's value at x. */
export function parabolaAt(parabola: Parabola, x: number): number {
  const u = x - parabola.center;
  const [c0, c1, c2] = parabola.coefficients;
  return c0 + c1 * u + c2 * u * u;
}

/** The x of the parabola's vertex: −c₁/(2c₂) from its centre. Only a minimum when c₂ > 0. */
export function parabolaVertex(parabola: Parabola): number {
  const [, c1, c2] = parabola.coefficients;
  return parabola.center - c1 / (2 * c2);
}

/** y ≈ intercept + slope·x by least squares; at least 2 distinct x. */
export function fitLine(x: number[], y: number[]): { intercept: number; slope: number } {
  const meanX = x.reduce((sum, v) => sum + v, 0) / x.length;
  const meanY = y.reduce((sum, v) => sum + v, 0) / y.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < x.length; k++) {
    sxy += (x[k] - meanX) * (y[k] - meanY);
    sxx += (x[k] - meanX) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}

/** Gaussian elimination with partial pivoting on a 3×3 system. */
function solve3(matrix: number[][], right: number[]): [number, number, number] {
  const m = matrix.map((row, i) => [...row, right[i]]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let row = col + 1; row < 3; row++) {
      if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    }
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let row = col + 1; row < 3; row++) {
      const factor = m[row][col] / m[col][col];
      for (let k = col; k < 4; k++) m[row][k] -= factor * m[col][k];
    }
  }
  const solution = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let sum = m[row][3];
    for (let k = row + 1; k < 3; k++) sum -= m[row][k] * solution[k];
    solution[row] = sum / m[row][row];
  }
  return solution as [number, number, number];
}
