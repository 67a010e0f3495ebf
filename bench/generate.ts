/**
 * `deno task bench generate`: tokens per second of generation with the key/value cache, next to the
 * anchor measured in the same run: the same generation without the cache (a full forward pass over
 * the window for every token). micro_gpt_4 (model_d 384, vocab 8000, 12 heads, randomly
 * initialised; speed does not depend on the weights), 256 new tokens after a 16-token prompt, on
 * each backend. Target: the cache at least 3× faster.
 *
 * The no-cache anchor costs a forward pass over 17 … 272 positions per token (~0.5 TFLOP in all),
 * which takes minutes on the slower backends; by default it is timed at every 16th token and the
 * per-token times in between are interpolated linearly (the cost per token is close to linear in
 * the window length). `--anchor-stride 1` times every token.
 */
import { type BackendChoice, initBackend, parseBackend } from "../model/backend/init.ts";
import { generateTokens } from "../model/inference/generate.ts";
import { microGpt4 } from "../model/gpt/gpt.ts";
import { windowLogits } from "../model/inference/kv_cache.ts";
import { Random } from "../model/gpt/random.ts";
import { sampleToken } from "../model/inference/sampling.ts";
import { numberFlag, parseFlags } from "../tasks/cli/flags.ts";

const USAGE = "usage: deno task bench generate [--backends native,wasm,webgpu,cpu] [--tokens N] " +
  "[--anchor-stride N] [--json]";

const FLAGS = {
  backends: { type: "string", help: "LIST  comma-separated (default native,wasm,webgpu,cpu)" },
  tokens: { type: "string", help: "N  new tokens per generation (default 256)" },
  prompt: { type: "string", help: "N  prompt tokens (default 16)" },
  "anchor-stride": {
    type: "string",
    help: "N  time the no-cache anchor at every Nth token, interpolate between (default 16)",
  },
  json: { type: "boolean", help: "print the figures as JSON on stdout" },
} as const;

/** The figures of one backend. */
interface BackendFigures {
  backend: BackendChoice;
  description: string;
  cachedTokensPerSecond: number;
  anchorTokensPerSecond: number;
  ratio: number;
}

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, USAGE, FLAGS);
  const backends = String(flags.backends ?? "native,wasm,webgpu,cpu").split(",").map(parseBackend);
  const newTokens = numberFlag("tokens", flags.tokens ?? "256", { min: 2, integer: true });
  const promptTokens = numberFlag("prompt", flags.prompt ?? "16", { min: 1, integer: true });
  const stride = numberFlag("anchor-stride", flags["anchor-stride"] ?? "16", {
    min: 1,
    integer: true,
  });
  // A context long enough that the window never slides: every token is one position with the cache.
  const ctx = promptTokens + newTokens;
  const random = new Random(1);
  const prompt = Array.from({ length: promptTokens }, () => random.int(8000));
  const results: BackendFigures[] = [];
  for (const backend of backends) {
    const description = await initBackend(backend);
    console.error(`${backend}: ${description}`);
    const model = microGpt4({ vocab: 8000, modelD: 384, heads: 12, ctx }, 0);
    // Warm-up: shader compilation (WebGPU) and weight packing (wasm) stay out of the timings.
    for await (const _ of generateTokens(model, prompt, { maxNew: 4 })) { /* discard */ }
    await windowLogits(model, prompt).data();
    const cachedSeconds = await timeCached(model, prompt, newTokens);
    const anchorSeconds = await timeAnchor(model, prompt, newTokens, stride);
    const figures: BackendFigures = {
      backend,
      description,
      cachedTokensPerSecond: newTokens / cachedSeconds,
      anchorTokensPerSecond: newTokens / anchorSeconds,
      ratio: anchorSeconds / cachedSeconds,
    };
    results.push(figures);
    console.error(
      `  with cache ${figures.cachedTokensPerSecond.toFixed(2)} tokens/s, anchor (no cache) ` +
        `${figures.anchorTokensPerSecond.toFixed(2)} tokens/s: ${figures.ratio.toFixed(1)}×`,
    );
    model.dispose();
  }
  if (flags.json) {
    console.log(
      JSON.stringify({ new_tokens: newTokens, prompt_tokens: promptTokens, stride, results }),
    );
    return;
  }
  console.log(
    `generation, micro_gpt_4 (model_d 384, vocab 8000), ${newTokens} new tokens after ` +
      `${promptTokens}; anchor = the same without the KV cache` +
      (stride > 1 ? ` (timed at every ${stride}th token, interpolated)` : ""),
  );
  console.log(
    `${"backend".padEnd(8)} ${"with cache".padStart(14)} ${"anchor".padStart(14)} ` +
      `${"ratio".padStart(8)}  target ≥ 3×`,
  );
  for (const r of results) {
    console.log(
      `${r.backend.padEnd(8)} ${`${r.cachedTokensPerSecond.toFixed(2)} tok/s`.padStart(14)} ` +
        `${`${r.anchorTokensPerSecond.toFixed(2)} tok/s`.padStart(14)} ` +
        `${`${r.ratio.toFixed(1)}×`.padStart(8)}  ${r.ratio >= 3 ? "met" : "NOT MET"}`,
    );
  }
}

/** Seconds to generate `newTokens` with the cache (prefill of the prompt included). */
async function timeCached(
  model: ReturnType<typeof microGpt4>,
  prompt: number[],
  newTokens: number,
): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const _ of generateTokens(model, prompt, { maxNew: newTokens, seed: 0 })) count++;
  if (count !== newTokens) throw new Error(`generated ${count} tokens, expected ${newTokens}`);
  return (performance.now() - started) / 1000;
}

/**
 * Seconds to generate `newTokens` without the cache. Token i costs a forward pass over
 * prompt + i positions plus the sampling; with `stride` 1 every token is timed, else every
 * stride-th (and the last), with linear interpolation between.
 */
async function timeAnchor(
  model: ReturnType<typeof microGpt4>,
  prompt: number[],
  newTokens: number,
  stride: number,
): Promise<number> {
  if (stride === 1) {
    const started = performance.now();
    for await (const _ of generateTokens(model, prompt, { maxNew: newTokens, cache: false })) {
      // every token timed
    }
    return (performance.now() - started) / 1000;
  }
  const random = new Random(2);
  const context = [...prompt];
  while (context.length < prompt.length + newTokens) context.push(random.int(8000));
  const sampled = new Map<number, number>();
  for (let i = 0; i < newTokens; i += stride) sampled.set(i, 0);
  sampled.set(newTokens - 1, 0);
  for (const i of sampled.keys()) {
    const started = performance.now();
    const logits = windowLogits(model, context.slice(0, prompt.length + i));
    sampleToken(await logits.data(), {}, random);
    logits.dispose();
    sampled.set(i, (performance.now() - started) / 1000);
  }
  const points = [...sampled].sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (let i = 0; i < newTokens; i++) {
    const after = points.findIndex(([at]) => at >= i);
    const [x1, y1] = points[after];
    const [x0, y0] = points[Math.max(after - 1, 0)];
    total += x1 === x0 ? y1 : y0 + (y1 - y0) * (i - x0) / (x1 - x0);
  }
  return total;
}
