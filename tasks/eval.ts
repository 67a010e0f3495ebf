/**
 * `deno task eval`: val loss, perplexity and bits per byte of a trained run. Flags only; the work is
 * `evaluateRun()` in model/.
 */
import { numberFlag, parseFlags } from "./cli/flags.ts";
import { Progress } from "./cli/progress.ts";
import { runTask } from "./cli/run_task.ts";
import { BACKEND_FLAGS, startBackendFromFlags } from "./cli/backend_flags.ts";
import { evaluateRun } from "../model/inference/mod.ts";
import { UserError } from "../core/user_error.ts";

const usage =
  "usage: deno task eval --run runs/NAME | --checkpoint FILE [--data DIR] [--json]\n\n" +
  "Evaluates a trained model on the val split of its token store: cross-entropy (nats/token),\n" +
  "perplexity and bits per UTF-8 byte.";

const flagSpecs = {
  run: { type: "string", help: "DIR  run folder: evaluates its newest checkpoint" },
  checkpoint: { type: "string", help: "FILE  one checkpoint (its .json or either .safetensors)" },
  data: {
    type: "string",
    help: "PATH  token store(s): a store, list, glob or manifest (default: the run's own)",
  },
  batch: { type: "string", help: "N  windows per forward pass (default 16)" },
  tokens: { type: "string", help: "N  evaluate at most N tokens (default: the whole val split)" },
  ...BACKEND_FLAGS,
  json: { type: "boolean", help: "print one JSON object" },
} as const;

await runTask(async () => {
  const flags = parseFlags(Deno.args, usage, flagSpecs);
  const path = (flags.run ?? flags.checkpoint) as string | undefined;
  if (!path || (flags.run && flags.checkpoint)) {
    throw new UserError("give one of --run or --checkpoint");
  }
  const { threads } = await startBackendFromFlags(flags);
  let progress: Progress | undefined;
  const result = await evaluateRun({
    path,
    data: flags.data as string | undefined,
    threads,
    batchSize: flags.batch === undefined
      ? undefined
      : numberFlag("batch", flags.batch, { min: 1, integer: true }),
    maxTokens: flags.tokens === undefined
      ? undefined
      : numberFlag("tokens", flags.tokens, { min: 1 }),
    onProgress: (done, total) => {
      progress ??= new Progress("eval", { total, unit: "tokens" });
      progress.update(done);
    },
  });
  progress?.finish(result.tokens);
  if (flags.json) {
    console.log(JSON.stringify({
      val_loss: result.valLoss,
      val_ppl: result.valPpl,
      bits_per_byte: result.bitsPerByte,
      tokens: result.tokens,
      step: result.step,
      checkpoint: result.checkpoint,
      data: result.data,
    }));
  } else {
    console.log(
      `${result.checkpoint} (step ${result.step}) on ${result.data}: val loss ${
        result.valLoss.toFixed(4)
      } ` +
        `nats/token, perplexity ${result.valPpl.toFixed(2)}, ${
          result.bitsPerByte.toFixed(4)
        } bits/byte ` +
        `over ${result.tokens} tokens`,
    );
  }
});
