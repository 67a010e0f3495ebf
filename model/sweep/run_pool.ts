import { UserError } from "../../core/user_error.ts";
import { BLAS_ENV, blasCandidates } from "../backend/mod.ts";
import type { BackendChoice } from "../backend/mod.ts";
import type { TrainRequest } from "../train/mod.ts";

/** What a run's process is told: the store, its folder, whether to resume, the request. */
export interface RunJob {
  data: string;
  runDir: string;
  resume: boolean;
  request: TrainRequest;
  backend: BackendChoice;
  threads: number;
}

/** A run to train in a process of its own, and where its steps are reported. */
export interface PoolRun {
  name: string;
  job: RunJob;
  /** Called with the run's last completed step. */
  onStep: (step: number) => void;
  /** Called when its process ends. */
  onEnd?: () => void;
  /** With `keepGoing`: called with the error line of a run that failed (the others go on). */
  onFailure?: (error: string) => void;
}

const CHILD = new URL("./_run_process.ts", import.meta.url);
const CONFIG = new URL("../../deno.json", import.meta.url);

/** The child's permissions: the tasks' own (no network, no subprocesses), FFI to BLAS only. */
function childArguments(job: RunJob): string[] {
  const blas = [...blasCandidates(), ...(Deno.env.get(BLAS_ENV) ? [Deno.env.get(BLAS_ENV)!] : [])];
  return [
    "run",
    "--quiet",
    "--no-prompt",
    `--config=${CONFIG.pathname}`,
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-sys",
    `--allow-ffi=${blas.join(",")}`,
    CHILD.pathname,
    JSON.stringify(job),
  ];
}

/**
 * Trains `runs`, `jobs` processes at a time (the sweep's runs, and the benchmark's). An aborted `signal` sends SIGINT to every running
 * process (each saves a checkpoint) and starts no more; resolves to "interrupted" then. A run that
 * fails stops the scheduling too and, once the running ones end, rejects with its last error line
 * (with `keepGoing`, it is reported to the run's `onFailure` and the rest still train).
 */
export async function runPool(
  runs: PoolRun[],
  jobs: number,
  signal?: AbortSignal,
  { keepGoing = false }: { keepGoing?: boolean } = {},
): Promise<"done" | "interrupted"> {
  const queue = [...runs];
  const running = new Set<Deno.ChildProcess>();
  let failure: string | null = null;
  const stopAll = () => {
    for (const child of running) {
      try {
        child.kill("SIGINT");
      } catch { /* already ended */ }
    }
  };
  signal?.addEventListener("abort", stopAll, { once: true });
  const worker = async () => {
    while (queue.length && !signal?.aborted && (failure === null || keepGoing)) {
      const run = queue.shift()!;
      const child = new Deno.Command(Deno.execPath(), {
        args: childArguments(run.job),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      running.add(child);
      const [status, , lastError] = await Promise.all([
        child.status,
        readSteps(child.stdout, run.onStep),
        lastLine(child.stderr),
      ]);
      running.delete(child);
      run.onEnd?.();
      if (status.code === 130 || signal?.aborted) continue;
      if (!status.success && keepGoing) {
        run.onFailure?.(lastError.replace(/^error: /, ""));
      } else if (!status.success && failure === null) {
        failure = `run ${run.name} failed (${run.job.runDir}): ${
          lastError.replace(/^error: /, "") || `exit code ${status.code}`
        }`;
        // The others finish their current run; a re-run resumes from there.
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  } finally {
    signal?.removeEventListener("abort", stopAll);
  }
  if (failure !== null) throw new UserError(failure);
  return signal?.aborted ? "interrupted" : "done";
}

async function readSteps(stream: ReadableStream<Uint8Array>, onStep: (step: number) => void) {
  let pending = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    pending += decoder.decode(bytes, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line) as { step?: number };
      if (message.step !== undefined) onStep(message.step);
    }
  }
}

/** The last non-empty line of a stream (a run's error, or the last thing it logged). */
async function lastLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let tail = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    tail = (tail + decoder.decode(bytes, { stream: true })).slice(-4000);
  }
  return tail.trim().split("\n").at(-1)?.trim() ?? "";
}
