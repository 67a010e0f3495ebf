/**
 * Backend selection: which TensorFlow.js backend runs the model (webgpu, wasm or cpu), and starting it.
 *
 * @module
 */
export { type Backend, BACKENDS, initBackend, parseBackend } from "./init.ts";
