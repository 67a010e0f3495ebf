import { openStore, type TokenStore } from "../pipeline/mod.ts";
import { UserError } from "../core/user_error.ts";
import { evaluate, type Evaluation } from "./evaluate.ts";
import { loadRun, storeTokenizer } from "./run.ts";

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
  /** Opens a store (default: the pipeline's `openStore`). */
  openStore?: (path: string) => Promise<TokenStore>;
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
    const data = options.data ?? String(run.info.training.data);
    const open = options.openStore ?? openStore;
    const shards = await open(data);
    if (shards.vocabSize !== run.config.vocab) {
      throw new UserError(
        `${shards.path}: vocabulary ${shards.vocabSize}, but ${run.checkpoint} has vocab ${run.config.vocab}`,
      );
    }
    const tokenizer = await storeTokenizer(shards);
    if (tokenizer.sha256 !== run.info.tokenizer_sha256) {
      throw new UserError(
        `${shards.path}: encoded with another tokenizer than ${run.checkpoint} was trained with; ` +
          `pass the run's store with --data`,
      );
    }
    const result = await evaluate(run.model, shards, {
      batchSize: options.batchSize,
      maxTokens: options.maxTokens,
      onProgress: options.onProgress,
      step: run.step,
    });
    return { ...result, step: run.step, checkpoint: run.checkpoint, data };
  } finally {
    run.model.dispose();
  }
}
