/**
 * The native CPU backend: TensorFlow.js's wasm backend with its matrix kernels on the platform's
 * BLAS (`tfjs_kernels.ts`), and the hand-written training and evaluation passes
 * (`native_trainer.ts`) that the training loop and `evaluate` use while it is active.
 *
 * @module
 */
import { UserError } from "../../../core/user_error.ts";
import { type Blas, BLAS_ENV, BLAS_HINT, findBlas } from "./blas.ts";
import { registerBlasKernels, unregisterBlasKernels } from "./_tfjs_kernels.ts";

let active: Blas | null = null;

/** The BLAS library of the native backend when it is the active backend, else null. */
export function activeBlas(): Blas | null {
  return active;
}

/** What a BLAS search found, in one line for the user: the library, or why none loaded. */
export type BlasProbe = { blas: Blas } | { blas: null; reason: string };

/** Looks for a BLAS library (see `findBlas`) and says in one line why none was loaded. */
export function probeBlas(): BlasProbe {
  const search = findBlas();
  if (search.blas) return { blas: search.blas };
  const reason = search.failures.length
    ? `the BLAS library failed to load (${search.failures.join("; ")})`
    : `no BLAS library found (searched ${search.tried.join(", ")}${
      Deno.env.get(BLAS_ENV) ? "" : `; or set ${BLAS_ENV}`
    }); for the fast CPU path: ${BLAS_HINT}`;
  return { blas: null, reason };
}

/**
 * Makes the native backend active on top of the (already active) wasm backend; returns its
 * description. Without a loadable BLAS library it is a `UserError` naming what was searched.
 */
export function startNative(probe: BlasProbe = probeBlas()): string {
  if (!probe.blas) throw new UserError(`--backend native: ${probe.reason}`);
  registerBlasKernels(probe.blas);
  active = probe.blas;
  return `native (${probe.blas.description}, ${probe.blas.path})`;
}

/** Leaves the native backend (another backend is starting): wasm's own kernels come back. */
export function stopNative(): void {
  if (!active) return;
  unregisterBlasKernels();
  active = null;
}
