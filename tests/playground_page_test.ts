/**
 * The playground in a real browser (Debian's Chromium under Playwright): a small trained run is
 * served, and what the page shows is compared with the command line and the library in Deno:
 * greedy and seeded ids (WebGPU on SwiftShader, and wasm), the attention matrix, the token view,
 * the loss chart. Skipped without /usr/bin/chromium, except under CI (`.ci/run` installs it).
 */
import type { Page } from "playwright-core";
import { initBackend } from "../model/backend/init.ts";
import { loadRun } from "../model/run/run_folder.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { attentionMaps, openPlaygroundRun, servePlayground } from "../playground/mod.ts";
import { buildBundle, hasChromium, launchChromium, trainSmallRun } from "../playground/_harness.ts";
import { BYTE_TO_CHAR } from "../pipeline/bpe/_byte_level.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { runTaskProcess } from "./task_process.ts";

const withoutChromium = !hasChromium() && !Deno.env.get("CI");
if (withoutChromium) console.error("playground browser tests skipped: no /usr/bin/chromium");

const PROMPT = "The cat sat on the";

/** `deno task generate --json` ids for the prompt. */
async function cliIds(runDir: string, ...flags: string[]): Promise<number[]> {
  const args = ["--run", runDir, "--prompt", PROMPT, "--max-new", "20", "--json", ...flags];
  const result = await runTaskProcess("generate", ...args);
  assertEquals(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).ids;
}

/** Opens the page and waits until it has loaded the run (or failed to). */
async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector(
    '[data-testid="status"]:is([data-state="ready"],[data-state="error"])',
    { timeout: 60_000 },
  );
}

/** Sets the controls, clicks Generate and returns the generated ids once the views are drawn. */
async function generateInPage(
  page: Page,
  controls: Record<string, string>,
): Promise<number[]> {
  for (const [id, value] of Object.entries(controls)) {
    await page.fill(`[data-testid="${id}"]`, value);
  }
  await page.click('[data-testid="generate"]');
  await page.waitForSelector('[data-testid="status"][data-state="done"]', { timeout: 60_000 });
  const ids = await page.getAttribute('[data-testid="output"]', "data-token-ids");
  return ids ? ids.split(",").map(Number) : [];
}

/** A copy of a run (newest checkpoint only) whose tokenizer.json is passed through `edit`. */
async function doctoredRun(
  runDir: string,
  copy: string,
  edit: (json: TokenizerJson) => TokenizerJson,
) {
  const original = await openPlaygroundRun(runDir);
  await Deno.mkdir(`${copy}/checkpoints`, { recursive: true });
  const name = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  for (const file of [original.checkpoint, original.paramsFile]) {
    await Deno.copyFile(file, `${copy}/checkpoints/${name(file)}`);
  }
  const json = JSON.parse(await Deno.readTextFile(original.tokenizerFile));
  await Deno.writeTextFile(`${copy}/tokenizer.json`, JSON.stringify(edit(json)));
  return await openPlaygroundRun(copy);
}

type TokenizerJson = { model: { vocab: Record<string, number>; merges: [string, string][] } };

/** The tokenizer without the bytes of U+1F600 (F0 9F 98 80) and any token built from them. */
function withoutBytes(json: TokenizerJson): TokenizerJson {
  const gone = [0xf0, 0x9f, 0x98, 0x80].map((byte) => BYTE_TO_CHAR[byte]);
  const uses = (token: string) => gone.some((char) => token.includes(char));
  const vocab = Object.fromEntries(Object.entries(json.model.vocab).filter(([t]) => !uses(t)));
  const merges = json.model.merges.filter(([left, right]) => !uses(left) && !uses(right));
  return { ...json, model: { ...json.model, vocab, merges } };
}

const numbers = (text: string | null) => (text ? text.split(",").map(Number) : []);

Deno.test({
  name: "playground page: the browser's model matches the command line and the library",
  ignore: withoutChromium,
  // Playwright keeps the browser's pipes between steps; they are closed at the end.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "playground_page_" });
    const [runDir] = await Promise.all([trainSmallRun(dir), buildBundle()]);
    const [greedy, sampled] = await Promise.all([
      cliIds(runDir, "--temperature", "0", "--backend", "cpu"),
      cliIds(runDir, "--temperature", "1", "--seed", "3", "--backend", "cpu"),
    ]);
    const server = servePlayground(await openPlaygroundRun(runDir), 0);
    const browser = await launchChromium();
    await initBackend("cpu");
    const { model, tokenizer } = await loadRun(runDir);
    try {
      const page = await browser.context.newPage();
      await openPage(page, `${server.url}?backend=webgpu`);
      assertEquals(await page.textContent('[data-testid="error"]'), "");
      assertStringIncludes(await page.textContent('[data-testid="backend"]') ?? "", "webgpu");

      await t.step(
        "token view: the prompt's ids are Tokenizer.encode's; merges end in them",
        async () => {
          await page.fill('[data-testid="prompt"]', PROMPT);
          const tokens = page.locator('[data-testid="token"]');
          const expected = Array.from(tokenizer.encode(PROMPT));
          // The view redraws on input: wait for the prompt's last token to be the selected one.
          await page.waitForSelector(
            `[data-testid="token"].selected[data-position="${expected.length - 1}"]`,
          );
          const shown = await Promise.all(
            (await tokens.all()).map(async (span) => Number(await span.getAttribute("data-id"))),
          );
          assertEquals(shown, expected);
          // The selected (last) token's word " the": its merges end in the tokenizer's ids.
          assertEquals(await page.inputValue('[data-testid="merge-word"]'), " the");
          const merged = await page.getAttribute('[data-testid="merges"]', "data-token-ids");
          assertEquals(numbers(merged), Array.from(tokenizer.encode(" the")));
        },
      );

      await t.step("the loss chart has one point per line of metrics.jsonl", async () => {
        const records = await readMetrics(`${runDir}/metrics.jsonl`);
        const chart = '[data-testid="loss-chart"]';
        assertEquals(Number(await page.getAttribute(chart, "data-points")), records.length);
        const line = await page.getAttribute(`${chart} polyline`, "points");
        assertEquals(line?.trim().split(/\s+/).length, records.length);
      });

      await t.step("WebGPU: greedy ids equal deno task generate --temperature 0", async () => {
        const ids = await generateInPage(page, {
          prompt: PROMPT,
          temperature: "0",
          "top-k": "0",
          seed: "0",
          "max-new": "20",
        });
        assertEquals(ids, greedy);
        const shot = `${dir}/playground.png`;
        await page.screenshot({ path: shot, fullPage: true });
        assert((await Deno.stat(shot)).size > 10_000);
        await Deno.copyFile(shot, "/work/notes/playground.png").catch(() => {});
      });

      await t.step("WebGPU: a seeded sampled continuation equals the command line's", async () => {
        assertEquals(await generateInPage(page, { temperature: "1", seed: "3" }), sampled);
      });

      await t.step(
        "the attention shown equals the model's probabilities in Deno (1e-4)",
        async () => {
          await page.selectOption('[data-testid="layer"]', "2");
          await page.selectOption('[data-testid="head"]', "2");
          const canvas = '[data-testid="attention"]';
          assertEquals(await page.getAttribute(canvas, "data-layer"), "2");
          assertEquals(await page.getAttribute(canvas, "data-head"), "2");
          const shown: number[][] = JSON.parse((await page.getAttribute(canvas, "data-weights"))!);
          const window = numbers(
            await page.getAttribute('[data-testid="tokens"]', "data-token-ids"),
          );
          const generated = tokenizer.encode(PROMPT).length + sampled.length;
          assertEquals(window.length, Math.min(model.config.ctx, generated));
          const expected = (await attentionMaps(model, window))[1].heads[1];
          assertEquals(shown.length, window.length);
          let worst = 0;
          shown.forEach((row, q) =>
            row.forEach((weight, k) => {
              worst = Math.max(worst, Math.abs(weight - expected[q * window.length + k]));
            })
          );
          assert(worst < 1e-4, `largest difference ${worst}`);
          const viaWindow = await page.evaluate(() =>
            (globalThis as unknown as { playground: { attention(): number[][] } }).playground
              .attention()
          );
          assertEquals(viaWindow, shown);
        },
      );

      await t.step("wasm: the same greedy and sampled ids", async () => {
        const wasm = await browser.context.newPage();
        await openPage(wasm, `${server.url}?backend=wasm`);
        assertStringIncludes(await wasm.textContent('[data-testid="backend"]') ?? "", "wasm");
        const controls = { prompt: PROMPT, "max-new": "20", "top-k": "0" };
        assertEquals(await generateInPage(wasm, { ...controls, temperature: "0" }), greedy);
        assertEquals(
          await generateInPage(wasm, { ...controls, temperature: "1", seed: "3" }),
          sampled,
        );
        await wasm.close();
      });

      await t.step("bad input: a message in the page, and the page stays usable", async () => {
        await page.fill('[data-testid="temperature"]', "-1");
        await page.click('[data-testid="generate"]');
        await page.waitForSelector('[data-testid="status"][data-state="error"]');
        assertStringIncludes(await page.textContent('[data-testid="error"]') ?? "", "temperature");
        assertEquals(await generateInPage(page, { temperature: "0" }), greedy);
      });

      await t.step(
        "bad runs: a prompt of unknown bytes, parameters corrupted after start",
        async () => {
          const noBytes = await doctoredRun(runDir, `${dir}/no_emoji_bytes`, withoutBytes);
          const corrupt = await doctoredRun(runDir, `${dir}/corrupt`, (json) => json);
          const servers = [noBytes, corrupt].map((run) => servePlayground(run, 0));
          try {
            // The checks at start passed; now the file goes bad under the running server.
            await Deno.writeFile(corrupt.paramsFile, new Uint8Array(64).fill(7));
            const bad = await browser.context.newPage();
            await openPage(bad, `${servers[1].url}?backend=wasm`);
            assertEquals(await bad.getAttribute('[data-testid="status"]', "data-state"), "error");
            assertStringIncludes(
              await bad.textContent('[data-testid="error"]') ?? "",
              "/run/params.safetensors: not a valid safetensors file",
            );
            await openPage(bad, `${servers[0].url}?backend=wasm`);
            await bad.fill('[data-testid="prompt"]', "\u{1F600}\u{1F600}");
            await bad.click('[data-testid="generate"]');
            await bad.waitForSelector('[data-testid="status"][data-state="error"]');
            assertStringIncludes(
              await bad.textContent('[data-testid="error"]') ?? "",
              "the prompt has no token this tokenizer knows",
            );
            await bad.close();
          } finally {
            for (const running of servers) await running.shutdown();
          }
        },
      );
      await page.close();
    } finally {
      model.dispose();
      await browser.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
