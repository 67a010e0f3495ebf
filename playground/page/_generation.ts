/// <reference lib="dom" />
/**
 * Generation in the page: the controls' values checked as the command line checks its flags, the
 * prompt encoded, and `generateTokens` (the KV cache, the seeded sampler) streamed into the output.
 */
import {
  type GenerateOptions,
  generateTokens,
  TextStream,
  validateGenerate,
} from "../../model/inference/generate.ts";
import type { GptModel } from "../../model/gpt/gpt.ts";
import type { Tokenizer } from "../../pipeline/bpe/tokenizer.ts";
import { byTestId } from "./_dom.ts";

/** The controls' values as `generate`'s options (a `UserError` naming the control when bad). */
export function readControls(): GenerateOptions & { prompt: string } {
  const value = (id: string) => byTestId<HTMLInputElement>(id).value.trim();
  const number = (id: string) => (value(id) === "" ? NaN : Number(value(id)));
  const options = {
    prompt: byTestId<HTMLTextAreaElement>("prompt").value,
    maxNew: number("max-new"),
    temperature: number("temperature"),
    topK: number("top-k"),
    seed: number("seed"),
  };
  validateGenerate(options);
  if (!Number.isInteger(options.seed)) {
    throw new Error(`seed: must be a whole number, got ${value("seed")}`);
  }
  return options;
}

/** What one generation produced. */
export interface Generation {
  promptIds: number[];
  ids: number[];
  tokensPerSecond: number;
  /** `performance.now()` when the first token arrived (ms since the page started loading). */
  firstTokenAt: number;
}

/**
 * The ids `prompt` starts from, as `deno task generate` takes them: its tokens, or
 * `<|endoftext|>` for an empty prompt. A prompt none of whose bytes the vocabulary has is an error.
 */
export function promptIds(tokenizer: Tokenizer, prompt: string): number[] {
  const ids = Array.from(tokenizer.encode(prompt));
  if (ids.length) return ids;
  if (prompt !== "") {
    throw new Error(
      "the prompt has no token this tokenizer knows: none of its bytes are in the vocabulary",
    );
  }
  return [tokenizer.eotId];
}

/** Generates after the controls' prompt, writing the text into `output` as tokens arrive. */
export async function runGeneration(model: GptModel, tokenizer: Tokenizer): Promise<Generation> {
  const { prompt, ...options } = readControls();
  const start = promptIds(tokenizer, prompt);
  const output = byTestId("output");
  output.textContent = "";
  delete output.dataset.tokenIds;
  const stream = new TextStream(tokenizer);
  const ids: number[] = [];
  const started = performance.now();
  let painted = started, firstTokenAt = NaN;
  // The command line's defaults: stop at <|endoftext|> (not emitted).
  for await (const id of generateTokens(model, start, { ...options, stopAt: tokenizer.eotId })) {
    if (ids.push(id) === 1) firstTokenAt = performance.now();
    output.textContent += stream.push(id);
    const seconds = (performance.now() - started) / 1000;
    byTestId("tokens-per-second").textContent = `${(ids.length / seconds).toFixed(1)} tokens/s`;
    // wasm reads resolve without leaving the task: give the browser a frame now and then to paint.
    if (performance.now() - painted > 50) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      painted = performance.now();
    }
  }
  output.textContent += stream.flush();
  output.dataset.tokenIds = ids.join(",");
  const seconds = (performance.now() - started) / 1000;
  return { promptIds: start, ids, tokensPerSecond: ids.length / seconds, firstTokenAt };
}
