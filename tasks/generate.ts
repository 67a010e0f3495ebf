/**
 * `deno task generate`: continues a prompt with a trained run's model, streaming the text to stdout.
 * Flags only; the work is `loadRun()` and `generate()` in model/.
 */
import { numberFlag, parseFlags } from "./cli/flags.ts";
import { runTask } from "./cli/run_task.ts";
import { BACKEND_FLAG, startBackendFromFlags } from "./cli/backend_flags.ts";
import { generate, type GenerateOptions, validateGenerate } from "../model/inference/mod.ts";
import { loadRun } from "../model/run/mod.ts";
import { UserError } from "../core/user_error.ts";

const usage = "usage: deno task generate --run runs/NAME [--prompt TEXT] [--max-new N] " +
  "[--temperature T] [--top-k K] [--top-p P] [--seed S] [--backend NAME] [--json]\n\n" +
  "Loads the run's newest checkpoint and its tokenizer.json and continues the prompt, printing the\n" +
  "prompt and then the generated text to stdout as it is produced (tokens/s on stderr at the end).\n" +
  "Incremental decoding with a key/value cache: each new token costs one position. Past the run's\n" +
  "context length the window slides (the cache is rebuilt from the last ctx tokens). An empty\n" +
  "prompt starts from <|endoftext|>; any text can be a prompt (the tokenizer is byte-level).\n" +
  "Generation stops after --max-new tokens or when the model writes <|endoftext|>. The same\n" +
  "--seed gives the same text. With --json, one object is printed at the end instead:\n" +
  '{"prompt_ids": [...], "ids": [...generated], "text": "...generated"} (to compare id for id).';

const flagSpecs = {
  run: { type: "string", help: "DIR  run folder (its newest checkpoint) or one checkpoint file" },
  prompt: { type: "string", help: "TEXT  the text to continue (default: empty)" },
  "max-new": { type: "string", help: "N  tokens to generate at most (default 200)" },
  temperature: { type: "string", help: "T  ≥ 0; 0 = greedy, always the likeliest (default 1)" },
  "top-k": { type: "string", help: "K  sample among the K likeliest tokens; 0 = all (default 0)" },
  "top-p": {
    type: "string",
    help: "P  in (0, 1]: sample within the smallest set holding P of the mass (default 1)",
  },
  seed: { type: "string", help: "S  seed of the sampler (default 0)" },
  ...BACKEND_FLAG,
  "ignore-eot": { type: "boolean", help: "keep going past <|endoftext|> (printed as text)" },
  "no-cache": { type: "boolean", help: "recompute the whole window for every token (slow)" },
  json: { type: "boolean", help: "print one JSON object (prompt_ids, ids, text), not the stream" },
} as const;

await runTask(async () => {
  const flags = parseFlags(Deno.args, usage, flagSpecs);
  if (!flags.run) throw new UserError("--run: which run? e.g. --run runs/NAME (see --help)");
  const options: GenerateOptions = {
    maxNew: numberFlag("max-new", flags["max-new"] ?? "200", { min: 1, integer: true }),
    temperature: numberFlag("temperature", flags.temperature ?? "1", { min: 0 }),
    topK: numberFlag("top-k", flags["top-k"] ?? "0", { min: 0, integer: true }),
    topP: numberFlag("top-p", flags["top-p"] ?? "1"),
    seed: numberFlag("seed", flags.seed ?? "0", { integer: true }),
    ignoreEndOfText: Boolean(flags["ignore-eot"]),
    cache: !flags["no-cache"],
  };
  validateGenerate(options); // bad flags fail before the model loads
  await startBackendFromFlags(flags);
  const { model, tokenizer, step, checkpoint, config } = await loadRun(flags.run as string);
  console.error(
    `model: ${checkpoint} (step ${step}; ${config.layers} layers, model_d ${config.modelD}, ` +
      `vocab ${config.vocab}, ctx ${config.ctx})`,
  );
  const prompt = (flags.prompt as string | undefined) ?? "";
  const json = Boolean(flags.json);
  const out = new TextEncoder();
  if (!json) await Deno.stdout.write(out.encode(prompt));
  const ids: number[] = [];
  const pieces: string[] = [];
  const started = performance.now();
  for await (
    const piece of generate(model, tokenizer, prompt, {
      ...options,
      onToken: (id) => ids.push(id),
    })
  ) {
    if (json) pieces.push(piece);
    else await Deno.stdout.write(out.encode(piece));
  }
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    // The ids generate() started from: the prompt's tokens, or <|endoftext|> for an empty prompt.
    const encoded = Array.from(tokenizer.encode(prompt));
    const promptIds = encoded.length ? encoded : [tokenizer.eotId];
    console.log(JSON.stringify({ prompt_ids: promptIds, ids, text: pieces.join("") }));
  } else await Deno.stdout.write(out.encode("\n"));
  const tokens = ids.length;
  console.error(
    `${tokens} tokens in ${seconds.toFixed(2)} s: ${(tokens / seconds).toFixed(1)} tokens/s ` +
      `(${options.cache ? "with" : "without"} the KV cache)`,
  );
  model.dispose();
});
