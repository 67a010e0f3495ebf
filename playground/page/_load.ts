/// <reference lib="dom" />
/** Loads the served run into the page: the model with its checkpoint's parameters, the tokenizer. */
import { type GptModel, microGpt } from "../../model/gpt/gpt.ts";
import { gptConfigFromJson, type GptConfigJson } from "../../model/run/run_json.ts";
import { decodeSafetensors } from "../../model/run/safetensors.ts";
import { assignTensors } from "../../model/run/checkpoint.ts";
import type { MetricsRecord } from "../../model/run/metrics.ts";
import { Tokenizer } from "../../pipeline/bpe/tokenizer.ts";

/** `/run/summary.json`: what the server knows of the run (see serve.ts). */
export interface RunSummary {
  run: string;
  checkpoint: string;
  step: number;
  tokens_seen: number;
  config: GptConfigJson;
  parameter_count: number;
  params_url: string;
  tokenizer_url: string;
  metrics_url: string;
}

/** The run as the page holds it. */
export interface PageRun {
  summary: RunSummary;
  model: GptModel;
  tokenizer: Tokenizer;
}

/** Fetches the summary, the tokenizer and the parameters; an error names the URL. */
export async function loadPageRun(): Promise<PageRun> {
  const summary = await fetchOk("/run/summary.json").then((r) => r.json()) as RunSummary;
  const [tokenizerText, paramBytes] = await Promise.all([
    fetchOk(summary.tokenizer_url).then((r) => r.text()),
    fetchOk(summary.params_url).then((r) => r.arrayBuffer()),
  ]);
  const tokenizer = Tokenizer.fromJson(tokenizerText, summary.tokenizer_url);
  const { tensors } = decodeSafetensors(new Uint8Array(paramBytes), summary.params_url);
  const model = microGpt(gptConfigFromJson(summary.config, summary.checkpoint));
  try {
    assignTensors(summary.params_url, tensors, model.params);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { summary, model, tokenizer };
}

/** `/run/metrics.json`: the lines of metrics.jsonl, read by the server at each request. */
export async function fetchMetrics(url: string): Promise<MetricsRecord[]> {
  const body = await fetchOk(url).then((r) => r.json());
  return body as MetricsRecord[];
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) {
    const why = (await response.text()).trim();
    throw new Error(`${url}: ${response.status} ${response.statusText}${why ? ` (${why})` : ""}`);
  }
  return response;
}
