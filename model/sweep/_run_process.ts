/**
 * One sweep run in a process of its own (so `--jobs` runs train side by side, each with its own
 * backend and threads): `deno run … _run_process.ts JOB_JSON`. It trains or resumes the run folder,
 * prints one JSON line per step on stdout for the sweep's progress bar, and on success writes
 * `RESULT_FILE` into the folder atomically. SIGINT or SIGTERM: a checkpoint, then exit code 130.
 */
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { UserError } from "../../core/user_error.ts";
import { initBackend } from "../backend/mod.ts";
import { train } from "../train/mod.ts";
import type { RunJob } from "./run_pool.ts";
import { RESULT_FILE, type RunOutcome } from "./run_outcome.ts";

const job = JSON.parse(Deno.args[0]) as RunJob;
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => controller.abort());
}
const encoder = new TextEncoder();
const say = (value: unknown) => Deno.stdout.writeSync(encoder.encode(JSON.stringify(value) + "\n"));
try {
  await initBackend(job.backend);
  const result = await train({
    ...job.request,
    data: job.data,
    ...(job.resume ? { resume: job.runDir } : { out: job.runDir }),
    threads: job.threads,
    signal: controller.signal,
    log: (line) => console.error(line),
    progress: () => ({ update: (step) => say({ step }), finish: (step) => say({ step }) }),
  });
  if (result.status === "interrupted") Deno.exit(130);
  const evaluation = result.evaluation!;
  const outcome: RunOutcome = {
    step: result.step,
    val_loss: evaluation.valLoss,
    bits_per_byte: evaluation.bitsPerByte,
    tokens_per_second: result.tokensPerSecond,
  };
  await writeFileAtomic(
    `${job.runDir}/${RESULT_FILE}`,
    encoder.encode(JSON.stringify(outcome) + "\n"),
  );
  say({ done: true });
  Deno.exit(0);
} catch (error) {
  console.error(error instanceof UserError ? `error: ${error.message}` : error);
  Deno.exit(1);
}
