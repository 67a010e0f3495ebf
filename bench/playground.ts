/**
 * `deno task bench playground`: generation in the browser page against `deno task generate` on
 * the same run, measured in the same run of the benchmark. Debian's Chromium under Playwright
 * (WebGPU on SwiftShader, and wasm); the command line on its `auto` backend and on wasm.
 * Figures: tokens/s of a cold generation (the page's first: WebGPU compiles its shaders then) and a
 * warm one (the second), and page load to first token against the command line's process start
 * to first token (one token generated, model load included).
 *
 * Without --run it trains a run of 4 layers, model_d 128, ctx 128 for 20 steps (speed does not
 * depend on the weights).
 */
import type { BrowserContext } from "playwright-core";
import { numberFlag, parseFlags } from "../tasks/cli/flags.ts";
import { openPlaygroundRun, servePlayground } from "../playground/mod.ts";
import { buildBundle, launchChromium, trainSmallRun } from "../playground/_harness.ts";

const USAGE = "usage: deno task bench playground [--run DIR] [--tokens N] [--json]";
const FLAGS = {
  run: { type: "string", help: "DIR  the run to generate with (default: a 4-layer run it trains)" },
  tokens: { type: "string", help: "N  new tokens per generation (default 64)" },
  json: { type: "boolean", help: "print the figures as JSON on stdout" },
} as const;

const PROMPT = "The cat sat on the";

/** One way of generating: tokens/s cold and warm, and ms from start to the first token. */
interface Figures {
  where: string;
  coldTokensPerSecond: number;
  warmTokensPerSecond: number;
  firstTokenMilliseconds: number;
}

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, USAGE, FLAGS);
  const tokens = numberFlag("tokens", flags.tokens ?? "64", { min: 2, integer: true });
  const dir = await Deno.makeTempDir({ prefix: "bench_playground_" });
  try {
    const [runDir] = await Promise.all([
      flags.run ? String(flags.run) : trainSmallRun(dir, {
        layers: 4,
        modelD: 128,
        heads: 4,
        ctx: 128,
        steps: 20,
      }),
      buildBundle(),
    ]);
    console.error(`run: ${runDir}; ${tokens} new tokens after ${JSON.stringify(PROMPT)}`);
    const results: Figures[] = [];
    for (const backend of ["auto", "wasm"]) {
      results.push(await commandLine(runDir, backend, tokens));
    }
    const server = servePlayground(await openPlaygroundRun(runDir), 0);
    const browser = await launchChromium();
    try {
      for (const backend of ["webgpu", "wasm"]) {
        results.push(await inPage(browser.context, server.url, backend, tokens));
      }
    } finally {
      await browser.close();
      await server.shutdown();
    }
    report(results, tokens, Boolean(flags.json));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `deno task generate` twice (cold = first, warm = second: the same work, caches warm). */
async function commandLine(runDir: string, backend: string, tokens: number): Promise<Figures> {
  const generate = async (maxNew: number) => {
    const started = performance.now();
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        ...["task", "-q", "generate", "--run", runDir, "--prompt", PROMPT, "--backend", backend],
        ...["--max-new", String(maxNew), "--ignore-eot", "--seed", "0"],
      ],
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    const rate = /([\d.]+) tokens\/s/.exec(stderr);
    if (!result.success || !rate) throw new Error(`generate --backend ${backend}: ${stderr}`);
    return { tokensPerSecond: Number(rate[1]), milliseconds: performance.now() - started };
  };
  const cold = await generate(tokens);
  const warm = await generate(tokens);
  const first = await generate(1);
  const where = `deno task generate --backend ${backend}`;
  console.error(`${where}: ${warm.tokensPerSecond.toFixed(1)} tokens/s`);
  return {
    where,
    coldTokensPerSecond: cold.tokensPerSecond,
    warmTokensPerSecond: warm.tokensPerSecond,
    firstTokenMilliseconds: first.milliseconds,
  };
}

/** The page on `backend`: two generations; the first token timed from the start of navigation. */
async function inPage(
  context: BrowserContext,
  url: string,
  backend: string,
  tokens: number,
): Promise<Figures> {
  const page = await context.newPage();
  await page.goto(`${url}?backend=${backend}`);
  const state = '[data-testid="status"]';
  await page.waitForSelector(`${state}:is([data-state="ready"],[data-state="error"])`, {
    timeout: 300_000,
  });
  const error = await page.textContent('[data-testid="error"]');
  if (error) throw new Error(`page on ${backend}: ${error}`);
  await page.fill('[data-testid="max-new"]', String(tokens));
  await page.fill('[data-testid="temperature"]', "1");
  await page.fill('[data-testid="prompt"]', PROMPT);
  // A click sets the status to "generating" before it returns, so "done" is this generation's.
  const generate = async () => {
    await page.click('[data-testid="generate"]');
    await page.waitForSelector(`${state}[data-state="done"]`, { timeout: 600_000 });
    const figures = await page.evaluate(() => {
      const exposed = (globalThis as unknown as {
        playground: { firstTokenAt: number; last: { tokens: number; tokensPerSecond: number } };
      }).playground;
      return { firstTokenAt: exposed.firstTokenAt, ...exposed.last };
    });
    return figures;
  };
  const cold = await generate();
  const warm = await generate();
  const description = await page.textContent('[data-testid="backend"]');
  await page.close();
  console.error(`page ${description}: ${warm.tokensPerSecond.toFixed(1)} tokens/s`);
  return {
    where: `page, ${description}`,
    coldTokensPerSecond: cold.tokensPerSecond,
    warmTokensPerSecond: warm.tokensPerSecond,
    firstTokenMilliseconds: cold.firstTokenAt,
  };
}

function report(results: Figures[], tokens: number, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ tokens, results }));
    return;
  }
  const anchor = results[0];
  console.log(
    `playground generation, ${tokens} new tokens; anchor = ${anchor.where} (ratios: tokens/s ` +
      `against the anchor's warm figure, first token against the anchor's)`,
  );
  console.log(
    `${"where".padEnd(44)} ${"cold tok/s".padStart(11)} ${"warm tok/s".padStart(11)} ` +
      `${"ratio".padStart(7)} ${"first token".padStart(12)} ${"ratio".padStart(7)}`,
  );
  for (const r of results) {
    console.log(
      `${r.where.slice(0, 44).padEnd(44)} ${r.coldTokensPerSecond.toFixed(1).padStart(11)} ` +
        `${r.warmTokensPerSecond.toFixed(1).padStart(11)} ` +
        `${`${(r.warmTokensPerSecond / anchor.warmTokensPerSecond).toFixed(2)}×`.padStart(7)} ` +
        `${`${(r.firstTokenMilliseconds / 1000).toFixed(2)} s`.padStart(12)} ` +
        `${
          `${(r.firstTokenMilliseconds / anchor.firstTokenMilliseconds).toFixed(2)}×`.padStart(7)
        }`,
    );
  }
}
