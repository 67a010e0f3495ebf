/// <reference lib="dom" />
/**
 * The playground page's entry (bundled by `deno task playground:bundle` into dist/playground.js):
 * starts a backend, loads the served run, and wires the views to the controls.
 */
import { UserError } from "../../core/user_error.ts";
import { startPageBackend } from "./_backend.ts";
import { byTestId, setStatus, showError } from "./_dom.ts";
import { fetchMetrics, loadPageRun } from "./_load.ts";
import { promptIds, runGeneration } from "./_generation.ts";
import { drawTokens } from "./_token_view.ts";
import { drawNextToken } from "./_next_token_view.ts";
import { drawAttention, shownAttention, updateAttention } from "./_attention_view.ts";
import { drawRun } from "./_run_view.ts";

/**
 * `window.playground`, for tests, the benchmark and the console: the attention matrix on screen,
 * the backend, and timings in ms since the page started loading (`performance.now()`).
 */
interface PlaygroundWindow {
  attention(): number[][];
  backend: string;
  /** When the run was loaded (model built, parameters assigned). */
  loadedAt: number;
  /** When the first generation's first token arrived. */
  firstTokenAt?: number;
  /** The last generation: tokens and tokens per second. */
  last?: { tokens: number; tokensPerSecond: number };
}

async function main(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get("backend");
  const backend = await startPageBackend(wanted);
  byTestId("backend").textContent = backend;
  const run = await loadPageRun();
  const exposed: PlaygroundWindow = {
    attention: shownAttention,
    backend,
    loadedAt: performance.now(),
  };
  (globalThis as unknown as { playground: PlaygroundWindow }).playground = exposed;
  drawRun(run.summary, await fetchMetrics(run.summary.metrics_url), backend);
  let ids: number[] = [], promptLength = 0;
  // Shows the tokens, the next-token bars and the attention of the window ending at `selected`.
  const show = async (selected: number) => {
    const { ctx } = run.model.config;
    const dropped = Math.max(0, ids.length - ctx); // the model sees the last ctx tokens
    const window = ids.slice(dropped);
    const position = Math.min(Math.max(selected - dropped, 0), window.length - 1);
    drawTokens(run.tokenizer, window, promptLength - dropped, position, (p) => show(p + dropped));
    await drawNextToken(run.model, run.tokenizer, window, position, nextTokenCount());
    await updateAttention(run.model, window);
  };
  const button = byTestId<HTMLButtonElement>("generate");
  button.onclick = () =>
    guarded(async () => {
      button.disabled = true;
      setStatus("generating", "generating…");
      try {
        const generation = await runGeneration(run.model, run.tokenizer);
        exposed.firstTokenAt ??= generation.firstTokenAt;
        exposed.last = {
          tokens: generation.ids.length,
          tokensPerSecond: generation.tokensPerSecond,
        };
        ids = [...generation.promptIds, ...generation.ids];
        promptLength = generation.promptIds.length;
        await show(ids.length - 1);
        setStatus("done", `${generation.ids.length} tokens`);
      } finally {
        button.disabled = false;
      }
    });
  for (const id of ["layer", "head"]) byTestId(id).onchange = () => drawAttention();
  // Before any generation the views show the prompt itself.
  const prompt = byTestId<HTMLTextAreaElement>("prompt");
  const showPrompt = () =>
    guarded(async () => {
      ids = promptIds(run.tokenizer, prompt.value);
      promptLength = ids.length;
      await show(ids.length - 1);
    });
  prompt.oninput = showPrompt;
  await showPrompt();
  button.disabled = false;
  setStatus("ready", `ready: ${run.summary.run}, step ${run.summary.step}`);
  if (byTestId("error").hidden === false) setStatus("error", "error");
}

function nextTokenCount(): number {
  const k = Number(byTestId<HTMLInputElement>("top-k").value);
  return Number.isInteger(k) && k > 0 ? Math.min(k, 20) : 10;
}

// A bad control value or prompt is a message in the page; the page stays usable.
async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    showError(null);
    await work();
  } catch (error) {
    report(error);
  }
}

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  showError(`error: ${message}`);
  setStatus("error", error instanceof UserError ? "bad input" : "error");
}

main().catch(report);
