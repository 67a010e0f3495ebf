/**
 * One writer per run folder, with real `deno task train` processes: a second `--out` or a
 * `--resume` while the run goes is refused in one line naming the folder and the holder's pid;
 * after `kill -9` the kernel lock is gone and `--resume` simply goes on.
 */
import { listCheckpoints } from "../model/run/checkpoint.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { tokenizeCorpus } from "../pipeline/mod.ts";
import { WRITER_LOCK_FILE } from "../core/mod.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { decodeOutput, runTaskProcess, taskCommand } from "./task_process.ts";

const dir = await Deno.makeTempDir({ prefix: "task_train_lock_" });
const data = `${dir}/data`;
await tokenizeCorpus({ outDir: data, vocabSize: 300, maxDocs: 3000, valFraction: 0.05 });
// The tiny cpu model of task_train_test.ts, for a run far longer than any test waits for.
const long = [
  ...["--backend", "cpu", "--data", data, "--layers", "1", "--model-d", "16", "--heads", "2"],
  ...["--ctx", "8", "--batch", "4", "--eval-tokens", "256", "--steps", "100000"],
];

/** Waits until `done` holds (polled), or fails after about a minute. */
async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const lockHolder = (folder: string) =>
  Deno.readTextFile(`${folder}/${WRITER_LOCK_FILE}`).then(Number, () => 0);
/** The newest checkpoint's step (0 before any: a run also saves one at step 0). */
const newestCheckpoint = async (folder: string) =>
  (await listCheckpoints(folder).catch(() => [])).at(-1)?.step ?? 0;

/** The refusal: exit 1, one error line naming the folder and the holder's pid. */
function assertRefused(
  output: { code: number; stderr: string },
  folder: string,
  holderPid: number,
): void {
  assertEquals(output.code, 1, output.stderr);
  const errors = output.stderr.split("\n").filter((line) => line.startsWith("error:"));
  assertEquals(errors.length, 1, output.stderr);
  assertStringIncludes(errors[0], `${folder} is being written by another process`);
  assertStringIncludes(errors[0], `pid ${holderPid}`);
}

/** The metrics of one run: steps 1, 2, 3, ... each once (two writers would interleave them). */
async function assertOneRunOfMetrics(folder: string): Promise<void> {
  const steps = (await readMetrics(`${folder}/metrics.jsonl`)).map((record) => record.step);
  assert(steps.length >= 3, `steps logged: ${steps}`);
  assertEquals(steps, steps.map((_, i) => i + 1));
}

Deno.test("two train --out X started together: one runs, the other refuses naming X and the pid", async () => {
  const out = `${dir}/together`;
  const args = [...long, "--out", out, "--eval-every", "100000"];
  const children = [taskCommand("train", args).spawn(), taskCommand("train", args).spawn()];
  const outputs = children.map((child) => child.output());
  // The refused one ends first: the other has 100,000 steps to go.
  const first = await Promise.race(outputs.map((output, i) => output.then(() => i)));
  const refused = children[first];
  const holder = children[1 - first];
  assertRefused(decodeOutput(await outputs[first]), out, holder.pid);
  assertEquals(await lockHolder(out), holder.pid);
  assert(refused.pid !== holder.pid);
  await waitFor(
    "three logged steps",
    async () =>
      (await Deno.readTextFile(`${out}/metrics.jsonl`).catch(() => "")).split("\n").length > 3,
  );
  holder.kill("SIGINT");
  const held = decodeOutput(await outputs[1 - first]);
  assertEquals(held.code, 0, held.stderr);
  await assertOneRunOfMetrics(out);
});

Deno.test("--resume while the run goes is refused; after kill -9 the same --resume goes on", async () => {
  const out = `${dir}/resumed`;
  const child = taskCommand("train", [...long, "--out", out, "--eval-every", "2"]).spawn();
  const output = child.output();
  await waitFor("a checkpoint after a few steps", async () => await newestCheckpoint(out) >= 4);
  const resume = ["--backend", "cpu", "--resume", out, "--json"];
  assertRefused(await runTaskProcess("train", ...resume), out, child.pid);
  child.kill("SIGKILL");
  assertEquals((await output).signal, "SIGKILL");
  // The lock file still names the dead holder; only the kernel lock counted, and it went with it.
  assertEquals(await lockHolder(out), child.pid);
  const saved = await newestCheckpoint(out);
  const resumed = await runTaskProcess("train", ...resume, "--steps", String(saved + 2));
  assertEquals(resumed.code, 0, resumed.stderr);
  assertStringIncludes(resumed.stderr, `resuming ${out} at step ${saved}`);
  assertEquals(JSON.parse(resumed.stdout).step, saved + 2);
  await assertOneRunOfMetrics(out);
});

Deno.test("train writer lock: clean up", async () => {
  await Deno.remove(dir, { recursive: true });
});
