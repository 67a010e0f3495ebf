/**
 * The browser playground: a page in which a trained run's model generates on WebGPU or wasm (the
 * same `model/` code, bundled), with its tokens, next-token probabilities, attention and losses;
 * and the server that serves it on 127.0.0.1.
 * - `run_files.ts`: which run, checked once (`openPlaygroundRun`, `newestRun`);
 * - `serve.ts`: the server and its fixed table of files (`servePlayground`);
 * - `attention_maps.ts`, `merge_steps.ts`: what the page computes and draws, free of Deno APIs;
 * - `page/`: the page itself (HTML, CSS, and `main.ts`, the bundle's entry).
 *
 * @module
 */
export { newestRun, openPlaygroundRun, type PlaygroundRun } from "./run_files.ts";
export { BUNDLE_FILE, type PlaygroundServer, servePlayground } from "./serve.ts";
export { attentionMaps, type LayerAttention } from "./attention_maps.ts";
export { type MergeStep, mergeSteps } from "./merge_steps.ts";
