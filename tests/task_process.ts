/** Runs a task as a user would: its `deno task NAME` command line from deno.json, output captured. */
import { fileURLToPath } from "node:url";

/** The repository root (where deno.json and its tasks live). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

const TASKS: Record<string, string> = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;

/**
 * The arguments of `deno` in deno.json's task `name` ("run --allow-read ... tasks/NAME.ts"), so a
 * test grants a task exactly the permissions a user's `deno task NAME` does.
 */
export function taskArgs(name: string): string[] {
  const [deno, ...args] = TASKS[name]?.split(/\s+/) ?? [];
  if (deno !== "deno" || args[0] !== "run") {
    throw new Error(`deno.json: no 'deno run' task ${name}`);
  }
  return args;
}

/** The command for `deno task <name> ...args` without deno task's own echo (spawn it to signal it). */
export function taskCommand(name: string, args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [...taskArgs(name), ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

/** Decoded output of a finished task process: everything it printed, Deno's own lines included. */
export function decodeOutput(
  output: Deno.CommandOutput,
): { code: number; stdout: string; stderr: string } {
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** Runs a task to the end. */
export async function runTaskProcess(name: string, ...args: string[]) {
  return decodeOutput(await taskCommand(name, args).output());
}

/** `deno task train` flags of a model small enough for any backend: a few steps in a second or two. */
export function tinyModelFlags(data: string): string[] {
  return ["--data", data, "--layers", "1", "--model-d", "16", "--heads", "2"];
}
