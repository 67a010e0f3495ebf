/**
 * `deno task playground`: serves the browser playground for a run on 127.0.0.1 and prints its URL.
 * Flags only; the work is `openPlaygroundRun()` and `servePlayground()` in playground/.
 */
import { numberFlag, parseFlags } from "./cli/flags.ts";
import { runTask } from "./cli/run_task.ts";
import { newestRun, openPlaygroundRun, servePlayground } from "../playground/mod.ts";

const usage = "usage: deno task playground [--run runs/NAME] [--port 8000]\n\n" +
  "Builds the page's bundle, then serves one page on 127.0.0.1 only: the run's model generating in\n" +
  "the browser (WebGPU when the browser has it, wasm otherwise), its tokens, next-token\n" +
  "probabilities, attention and loss curves. Without --run it opens the run under runs/ whose\n" +
  "newest checkpoint is the most recent. Stops on Ctrl-C. See docs/playground.md.";

const flagSpecs = {
  run: { type: "string", help: "DIR  run folder (default: the newest under runs/)" },
  port: { type: "string", help: "PORT  port on 127.0.0.1 (default 8000; 0 = any free port)" },
} as const;

await runTask(async () => {
  const flags = parseFlags(Deno.args, usage, flagSpecs);
  const port = numberFlag("port", flags.port ?? "8000", { min: 0, integer: true });
  const runDir = (flags.run as string | undefined) ?? await newestRun("runs");
  const run = await openPlaygroundRun(runDir);
  const server = servePlayground(run, port);
  const stop = () => server.shutdown();
  Deno.addSignalListener("SIGINT", stop); // before the URL, so whoever reads it may stop us
  console.error(`run: ${run.checkpoint} (step ${run.info.step})`);
  console.log(server.url);
  await server.finished;
  Deno.removeSignalListener("SIGINT", stop);
  console.error("playground: stopped");
});
