/**
 * What the native-path tests share: the BLAS library (or why there is none) and the rule that a
 * machine without one skips those tests while CI, which installs OpenBLAS, must run them.
 */
import { probeBlas } from "../model/backend/native/native_backend.ts";
import type { Blas } from "../model/backend/native/blas.ts";

const probe = probeBlas();

/** True where the native tests cannot run: no BLAS library here, and not CI (CI must have one). */
export const withoutBlas = !probe.blas && !Deno.env.get("CI");

if (withoutBlas && "reason" in probe) {
  console.error(`native-path tests skipped: ${probe.reason}`);
}

/** The BLAS library; throws (failing the test) where there is none. */
export function testBlas(): Blas {
  if (!probe.blas) throw new Error(`no BLAS library for the native tests: ${probe.reason}`);
  return probe.blas;
}

/** A deterministic pseudo-random array in [−scale, scale). */
export function randomArray(length: number, seed: number, scale = 1): Float32Array {
  const values = new Float32Array(length);
  let state = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32 * 2 - 1) * scale;
  }
  return values;
}
