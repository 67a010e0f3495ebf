/**
 * The backend a task runs on, as a user meets it: `auto` names what it picked and why on the first
 * line, falls back to wasm (saying how to get the fast path) when the BLAS library does not load,
 * and `--backend native` without a library is one line and exit 1, with nothing written.
 */
import { tokenizeCorpus } from "../pipeline/mod.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { withoutBlas } from "./model_native_fixture.ts";
import { decodeOutput, ROOT, taskArgs, tinyModelFlags } from "./task_process.ts";

const dir = await Deno.makeTempDir({ prefix: "task_backend_" });
const data = `${dir}/data`;
await tokenizeCorpus({ outDir: data, vocabSize: 300, maxDocs: 2000, valFraction: 0.05 });
const tiny = [
  ...tinyModelFlags(data),
  ...["--ctx", "8", "--batch", "4", "--steps", "3", "--eval-tokens", "128", "--json"],
];

/** `deno task train ARGS` with extra environment variables. */
async function train(env: Record<string, string>, ...args: string[]) {
  const command = new Deno.Command(Deno.execPath(), {
    args: [...taskArgs("train"), ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  });
  return decodeOutput(await command.output());
}

const NO_BLAS = { MICROGPT_BLAS: "/nonexistent/libopenblas.so.0" };

Deno.test("train --backend native without a BLAS library: one line naming what was searched, exit 1, nothing written", async () => {
  const out = `${dir}/refused`;
  const { code, stderr } = await train(NO_BLAS, ...tiny, "--backend", "native", "--out", out);
  assertEquals(code, 1, stderr);
  const errors = stderr.trim().split("\n").filter((line) => line.startsWith("error:"));
  assertEquals(errors.length, 1, stderr);
  assertMatch(
    errors[0],
    /^error: --backend native: the BLAS library failed to load \(\/nonexistent\//,
  );
  assertEquals(await Deno.stat(out).then(() => true, () => false), false, "no run folder");
});

Deno.test("train with auto and no loadable BLAS library: wasm, the reason on the first line, and the run goes on", async () => {
  const { code, stdout, stderr } = await train(NO_BLAS, ...tiny, "--out", `${dir}/fallback`);
  assertEquals(code, 0, stderr);
  const first = stderr.split("\n").find((line) => line.startsWith("backend:"))!;
  assertMatch(
    first,
    /^backend: wasm \(TensorFlow\.js .*\); picked by auto \(.*the BLAS library failed to load/,
  );
  assert(Number.isFinite(JSON.parse(stdout).val_loss), stdout);
});

Deno.test({
  name:
    "train --backend native splits the batch across --threads and gives the losses of one thread",
  ignore: withoutBlas,
  async fn() {
    const runs = [];
    for (const threads of ["1", "2"]) {
      const out = `${dir}/native-${threads}`;
      const args = [...tiny, "--backend", "native", "--threads", threads, "--out", out];
      const { code, stdout, stderr } = await train({}, ...args);
      assertEquals(code, 0, stderr);
      assertStringIncludes(stderr, `each batch split across ${threads} thread`);
      runs.push(JSON.parse(stdout));
    }
    const [one, two] = runs;
    assert(
      Math.abs(one.loss - two.loss) <= 1e-5 * Math.abs(one.loss),
      `${one.loss} vs ${two.loss}`,
    );
    assert(Math.abs(one.val_loss - two.val_loss) <= 1e-5 * one.val_loss, "val loss");
  },
});

Deno.test("cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
