/**
 * The GPT of the microGPT study on TensorFlow.js, one folder per concern:
 * - `backend/`: which TensorFlow.js backend runs it;
 * - `gpt/`: the model (config, parameter layout and initialisation, the forward pass, one file per op);
 * - `train/`: optimizer, schedule, clipping, one step, the plan, the loop;
 * - `run/`: run folders, checkpoints (safetensors), metrics and the loss plot;
 * - `inference/`: the KV cache, sampling, generation and evaluation;
 * - `sweep/`: measured scaling laws (the IsoFLOP sweep, its fits, the model a law picks).
 *
 * @module
 */
export * from "./backend/mod.ts";
export * from "./gpt/mod.ts";
export * from "./train/mod.ts";
export * from "./run/mod.ts";
export * from "./inference/mod.ts";
export * from "./sweep/mod.ts";
