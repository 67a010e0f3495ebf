/**
 * What the playground's tests and benchmark drive the page with: Debian's Chromium under
 * Playwright with WebGPU on SwiftShader, the bundle build, and a small trained run. Not part of
 * the playground itself (nothing in `mod.ts` imports it).
 */
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";

/** The system browser the tests use (`.ci/run` installs Debian's `chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** True when the browser is installed. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

// WebGPU on SwiftShader (Vulkan on the CPU) in headless Chromium, and nothing that talks to the
// network or keeps state between runs. --disable-gpu is left out: it is harmless for WebGPU here
// (measured), but names the opposite of what the page needs.
const FLAGS = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--use-webgpu-adapter=swiftshader",
  "--use-angle=vulkan",
  "--disable-vulkan-surface",
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless Chromium with a fresh profile; `close()` also removes the profile. */
export async function launchChromium(): Promise<
  { context: BrowserContext; close(): Promise<void> }
> {
  const profile = await Deno.makeTempDir({ prefix: "playground_chromium_" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}

const ROOT = new URL("..", import.meta.url);

/** Runs `deno task NAME ARGS` from the repository root; throws with its stderr on failure. */
export async function denoTask(name: string, ...args: string[]): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!output.success) throw new Error(`deno task ${name} failed: ${decode(output.stderr)}`);
  return decode(output.stdout);
}

/** Builds playground/dist/playground.js (`deno task playground:bundle`). */
export async function buildBundle(): Promise<void> {
  await denoTask("playground:bundle");
}

/** The size of the run `trainSmallRun` trains. */
export interface SmallRun {
  layers?: number;
  modelD?: number;
  heads?: number;
  ctx?: number;
  steps?: number;
}

/**
 * A small trained run in `dir/run` (a store of 2,000 default-corpus documents; by default 2
 * layers of model_d 32, ctx 16, 200 steps: a second or two on the native backend), so that its
 * logits are not flat and greedy ids do not hang on near ties.
 */
export async function trainSmallRun(dir: string, size: SmallRun = {}): Promise<string> {
  const { layers = 2, modelD = 32, heads = 2, ctx = 16, steps = 200 } = size;
  await denoTask("tokenize", "--out", `${dir}/data`, "--vocab", "300", "--max-docs", "2000");
  const model = ["--layers", layers, "--model-d", modelD, "--heads", heads, "--ctx", ctx].map(
    String,
  );
  const plan = ["--batch", "16", "--steps", String(steps), "--lr", "3e-3", "--eval-every", "50"];
  await denoTask(
    "train",
    ...["--data", `${dir}/data`, "--out", `${dir}/run`, ...model, ...plan],
    ...["--eval-tokens", "256"],
  );
  return `${dir}/run`;
}
