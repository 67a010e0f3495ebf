/**
 * Backend selection: which backend runs the model (webgpu, native BLAS, wasm or cpu; `auto` picks the
 * fastest this machine has), and starting it.
 *
 * @module
 */
export {
  type Backend,
  type BackendChoice,
  type BackendPick,
  BACKENDS,
  chooseBackend,
  initBackend,
  parseBackend,
} from "./init.ts";
export { activeBlas, type BlasProbe, probeBlas } from "./native/native_backend.ts";
export { type Blas, BLAS_ENV, BLAS_HINT, blasCandidates } from "./native/blas.ts";
export { NativeTrainer, type NativeTrainerOptions } from "./native/native_trainer.ts";
