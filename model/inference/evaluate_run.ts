import { openStore } from "../../pipeline/mod.ts";
import { UserError } from "../../core/user_error.ts";
import { evaluate, type Evaluation } from "./evaluate.ts";
import { loadRun, requireTrainedTokenizer, storeTokenizerFile } from "../run/run_folder.ts";
import { trainPlanFromJson } from "../run/run_json.ts";

/** Options of `evaluateRun` (the flags of `deno task eval`). */
export interface EvaluateRunOptions {
  /** A run folder (its newest checkpoint), or a checkpoint's JSON or safetensors file. */
  path: string;
  /** The token store (default: the one the run trained on). */
  data?: string;
  /** Windows per forward pass (default 16). */
  batchSize?: number;
  /** Predicted tokens at most (default: the whole val split). */
  maxTokens?: number;
  /** Called after every forward pass with the tokens done and the total. */
  onProgress?: (tokens: number, total: number) => void;
  /** Native backend: threads each batch is split across (default: every core). */
  threads?: number;
}

/**
 * Loads a run (or one checkpoint) and evaluates it on the val split of its store. The store must use the
 * tokenizer the run was trained with (compared by sha256), else a `UserError`.
 */
export async function evaluateRun(
  options: EvaluateRunOptions,
): Promise<Evaluation & { step: number; checkpoint: string; data: string }> {
  const run = await loadRun(options.path);
  try {
    const data = options.data ?? trainPlanFromJson(run.info, run.checkpoint).data;
    const shards = await openStore(data);
    if (shards.vocabSize !== run.config.vocab) {
      throw new UserError(
        `${shards.path}: vocabulary ${shards.vocabSize}, but ${run.checkpoint} has vocab ${run.config.vocab}`,
      );
    }
    const tokenizer = await storeTokenizerFile(shards);
    requireTrainedTokenizer(tokenizer, shards.path, run.checkpoint, run.info);
    const result = await evaluate(run.model, shards, {
      batchSize: options.batchSize,
      threads: options.threads,
      maxTokens: options.maxTokens,
      onProgress: options.onProgress,
      step: run.step,
    });
    return { ...result, step: run.step, checkpoint: run.checkpoint, data };
  } finally {
    run.model.dispose();
  }
}
