/**
 * `--backend` and `--threads`, shared by train, eval and generate: one help text, one parser, and
 * the first line every such task prints (which backend runs, and why `auto` picked it).
 */
import { BACKENDS, initBackend, parseBackend } from "../../model/backend/mod.ts";
import { numberFlag } from "./flags.ts";

/** `--backend`, to spread into a task's flag table. */
export const BACKEND_FLAG = {
  backend: {
    type: "string",
    help: `NAME  ${
      BACKENDS.join(", ")
    } (default auto: WebGPU on a GPU, else native BLAS, else wasm)`,
  },
} as const;

/** `--backend` and `--threads` (for the tasks that run the native passes: train, eval). */
export const BACKEND_FLAGS = {
  ...BACKEND_FLAG,
  threads: {
    type: "string",
    help: "N  native backend: threads each batch is split across (default: every core)",
  },
} as const;

/** Starts the backend the flags name and prints the first line; returns `--threads` if given. */
export async function startBackendFromFlags(
  flags: Record<string, unknown>,
): Promise<{ threads?: number }> {
  const choice = parseBackend(flags.backend ?? "auto");
  const threads = flags.threads === undefined
    ? undefined
    : numberFlag("threads", flags.threads, { min: 1, max: 256, integer: true });
  console.error(`backend: ${await initBackend(choice)}`);
  return { threads };
}
