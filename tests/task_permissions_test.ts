/**
 * The tasks' permissions: least privilege without Deno's "experimental" warning on every command,
 * and bare `deno test` stopping at once with the command to run.
 */
import { blasCandidates } from "../model/backend/native/blas.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { ROOT, runTaskProcess, taskArgs } from "./task_process.ts";

const TASKS = ["tokenize", "size", "train", "eval", "generate"];

Deno.test("each task grants files, environment and system info, never network or subprocesses", async () => {
  for (const name of TASKS) {
    const args = taskArgs(name);
    for (const broad of ["-A", "--allow-all", "-P", "--allow-ffi", "--allow-net", "--allow-run"]) {
      assert(!args.includes(broad), `${name}: ${broad}`);
    }
    // The same flags on a probe script: what the task's process may actually do.
    const flags = args.slice(0, -1);
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...flags, "tests/permission_probe.ts"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
    const states = JSON.parse(new TextDecoder().decode(output.stdout));
    assertEquals(states, {
      read: "granted",
      write: "granted",
      env: "granted",
      sys: "granted",
      net: "prompt",
      run: "prompt",
      // A task may later be granted one library by path (--allow-ffi=PATH), never all of FFI.
      ffi: args.some((arg) => arg.startsWith("--allow-ffi=")) ? states.ffi : "prompt",
    }, name);
  }
});

Deno.test("train, eval and generate may open exactly the BLAS libraries the native backend searches", () => {
  const expected = new Set([
    ...blasCandidates("linux", "x86_64"),
    ...blasCandidates("linux", "aarch64"),
    ...blasCandidates("darwin", "aarch64"),
  ]);
  for (const name of ["train", "eval", "generate"]) {
    const flag = taskArgs(name).find((arg) => arg.startsWith("--allow-ffi="));
    assert(flag, `${name} has no --allow-ffi=PATHS`);
    assertEquals(new Set(flag.slice("--allow-ffi=".length).split(",")), expected, name);
  }
  for (const name of ["tokenize", "size"]) {
    assert(!taskArgs(name).some((arg) => arg.startsWith("--allow-ffi")), `${name} needs no FFI`);
  }
});

Deno.test("no task prints Deno's 'experimental feature' warning", async () => {
  for (const name of TASKS) {
    const { code, stderr } = await runTaskProcess(name, "--help");
    assertEquals(code, 0, `${name}: ${stderr}`);
    assert(!/experimental/i.test(stderr), `${name}: ${stderr}`);
  }
  const sized = await runTaskProcess("size", "--tokens", "1e9");
  assertEquals(sized.code, 0, sized.stderr);
  assertEquals(sized.stderr, "");
});

Deno.test("bare deno test stops at once and names the command to run", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "tests/scaling_flops_test.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert(!output.success, stderr);
  assertStringIncludes(stderr.split("\n")[0], "Did you mean to run with `-P`");
  assert(!new TextDecoder().decode(output.stdout).includes("running"), "no test ran");
});
