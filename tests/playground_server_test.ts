/**
 * The playground's server and its task, without a browser: what it serves and refuses (raw HTTP,
 * so `..` reaches it unresolved), the one-line errors of `deno task playground`, Ctrl-C.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { saveCheckpoint } from "../model/run/checkpoint.ts";
import { gptConfigToJson } from "../model/run/run_json.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { microGpt } from "../model/gpt/gpt.ts";
import { AdamW } from "../model/train/optimizer.ts";
import { trainBpe } from "../pipeline/mod.ts";
import { newestRun, openPlaygroundRun, servePlayground } from "../playground/mod.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { decodeOutput, ROOT } from "./task_process.ts";

await initBackend("cpu");
const dir = await Deno.makeTempDir({ prefix: "playground_server_" });
const runDir = `${dir}/runs/tiny`;
const tokenizer = await trainBpe(["the cat sat on the mat", "a dog"], { vocabSize: 280 });
await Deno.mkdir(runDir, { recursive: true });
await tokenizer.save(`${runDir}/tokenizer.json`);
const config: GptConfig = {
  layers: 1,
  modelD: 8,
  heads: 2,
  vocab: tokenizer.vocabSize,
  ctx: 8,
  block: "original",
};

/** Writes a checkpoint of a fresh model at `step` into `folder`. */
async function writeCheckpoint(folder: string, step: number): Promise<string> {
  const model = microGpt(config, step);
  const optimizer = new AdamW(model.params);
  const path = await saveCheckpoint(folder, {
    model,
    optimizer,
    info: {
      step,
      config: gptConfigToJson(config),
      training: {},
      schedule: {
        init_value: 0,
        peak_value: 1e-3,
        warmup_steps: 1,
        decay_steps: 2,
        end_value: 0,
        exponent: 1,
      },
      random_state: [1, 2, 3, 4],
      tokens_seen: 0,
      tokenizer_sha256: "",
    },
  });
  model.dispose();
  tf.dispose([...optimizer.mu.values(), ...optimizer.nu.values()]);
  return path;
}
await writeCheckpoint(runDir, 3);
await Deno.writeTextFile(`${runDir}/metrics.jsonl`, '{"step":1,"loss":5}\n{"step":2,"loss":4}\n');

/** One raw HTTP/1.1 GET, the target sent exactly as written (fetch would resolve `..` first). */
async function rawGet(port: number, target: string, method = "GET") {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  const request = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
  await connection.write(new TextEncoder().encode(request));
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(65536);
  for (let n; (n = await connection.read(buffer)) !== null;) chunks.push(buffer.slice(0, n));
  connection.close();
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  return { status: Number(text.split(" ")[1]), body: text.slice(text.indexOf("\r\n\r\n") + 4) };
}

Deno.test("the server sends the page, the run's files and the wasm binaries, and nothing else", async () => {
  const server = servePlayground(await openPlaygroundRun(runDir), 0);
  try {
    const get = (path: string) => fetch(new URL(path, server.url));
    const summary = await (await get("/run/summary.json")).json();
    assertEquals([summary.step, summary.config.model_d, summary.run], [3, 8, runDir]);
    const tokenizerText = await (await get("/run/tokenizer.json")).text();
    assertEquals(tokenizerText, await Deno.readTextFile(`${runDir}/tokenizer.json`));
    const params = new Uint8Array(await (await get("/run/params.safetensors")).arrayBuffer());
    assertEquals(
      params,
      await Deno.readFile(`${runDir}/checkpoints/step-00000003.params.safetensors`),
    );
    assertEquals((await (await get("/run/metrics.json")).json()).length, 2);
    const page = await get("/");
    assertStringIncludes(await page.text(), 'data-testid="generate"');
    const wasm = await get("/wasm/tfjs-backend-wasm-simd.wasm");
    assertEquals(wasm.headers.get("content-type"), "application/wasm");
    await wasm.body?.cancel();
    for (
      const missing of ["/run/checkpoints/step-00000003.json", "/tokenizer.json", "/etc/passwd"]
    ) {
      const response = await get(missing);
      await response.body?.cancel();
      assertEquals(response.status, 404, missing);
    }
    // Paths that try to leave: refused before any lookup, whatever their spelling.
    for (
      const target of [
        "/run/../../../../etc/passwd",
        "/../tokenizer.json",
        "/run/%2e%2e/%2e%2e/etc/passwd",
        "/run/..%2ftokenizer.json",
        "//etc/passwd",
        `/${runDir}/tokenizer.json`, // an absolute file path: //tmp/…
        "/C:/Windows/win.ini",
        "/run/..\\..\\etc\\passwd",
        "/run/%00",
        "/./index.html",
      ]
    ) {
      const { status, body } = await rawGet(server.port, target);
      assertEquals(status, 400, target);
      assertStringIncludes(body, "refused", target);
    }
    assertEquals((await rawGet(server.port, "/run/tokenizer.json")).status, 200);
    assertEquals((await rawGet(server.port, "/run/tokenizer.json", "POST")).status, 405);
  } finally {
    await server.shutdown();
  }
});

/** The `deno run` command of deno.json's `playground` task (after its bundle step). */
function playgroundCommand(args: string[], cwd = ROOT): Deno.Command {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  const [deno, ...flags] = (tasks.playground as string).split("&&").at(-1)!.trim().split(/\s+/);
  assertEquals(deno, "deno");
  const script = flags.pop()!;
  return new Deno.Command(Deno.execPath(), {
    args: [...flags, `${ROOT}/${script}`, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

Deno.test("deno task playground grants the loopback address and reads, nothing else", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  const flags = (tasks.playground as string).split("&&").at(-1)!.trim().split(/\s+/).slice(2, -1);
  assertEquals(flags, ["--allow-net=127.0.0.1", "--allow-read"]);
});

Deno.test("deno task playground: bad runs and a port in use are one line; Ctrl-C stops it", async () => {
  const empty = `${dir}/runs/empty`;
  await Deno.mkdir(empty, { recursive: true });
  const corrupt = `${dir}/corrupt`;
  await Deno.mkdir(corrupt);
  await Deno.copyFile(`${runDir}/tokenizer.json`, `${corrupt}/tokenizer.json`);
  const params = `${(await writeCheckpoint(corrupt, 1)).replace(/\.json$/, "")}.params.safetensors`;
  await Deno.writeFile(params, new TextEncoder().encode("not a safetensors file at all"));
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const cases: [string[], string][] = [
    [["--run", empty], "no checkpoint"],
    [["--run", `${dir}/missing`], "no such run folder"],
    [["--run", corrupt], `${params}: not a valid safetensors file`],
    [["--run", runDir, "--port", String(busy.addr.port)], `is in use; choose another --port`],
    [["--run", runDir, "--port", "http"], "--port"],
  ];
  try {
    for (const [args, message] of cases) {
      const result = decodeOutput(await playgroundCommand(args).output());
      assertEquals(result.code, 1, args.join(" "));
      assertStringIncludes(result.stderr, message);
      assertEquals(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  } finally {
    busy.close();
  }
  // No --run and no runs/ folder: how to make one.
  const nowhere = decodeOutput(await playgroundCommand([], dir + "/runs").output());
  assertEquals(nowhere.code, 1);
  assertStringIncludes(nowhere.stderr, "no trained run under runs/: make one with deno task");
  // No --run: the newest run under runs/ (cwd = the folder holding runs/); Ctrl-C stops it.
  const child = playgroundCommand(["--port", "0"], dir).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const url = (await reader.read()).value ?? "";
  assert(url.startsWith("http://127.0.0.1:"), url);
  const summary = await (await fetch(new URL("/run/summary.json", url.trim()))).json();
  assertEquals(summary.run, "runs/tiny");
  child.kill("SIGINT");
  const status = await child.status;
  await reader.cancel();
  const stderr = await new Response(child.stderr).text();
  assertEquals(status.code, 0, stderr);
  assertStringIncludes(stderr, "playground: stopped");
});

Deno.test("deno task playground --help documents its flags", async () => {
  const { code, stdout } = decodeOutput(await playgroundCommand(["--help"]).output());
  assertEquals(code, 0);
  for (const flag of ["--run", "--port"]) assertStringIncludes(stdout, flag);
});

Deno.test("newestRun picks the run whose newest checkpoint is the latest written", async () => {
  const later = `${dir}/runs/later`;
  await writeCheckpoint(later, 1);
  assertEquals(await newestRun(`${dir}/runs`), later);
  await Deno.remove(later, { recursive: true });
  assertEquals(await newestRun(`${dir}/runs`), runDir);
});

Deno.test("cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
