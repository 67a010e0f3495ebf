/**
 * `deno task size`: the scaling laws pick layers, model_d, heads and vocabulary for a token or FLOP
 * budget, or describe one configuration. Flags only; the work is in `scaling/`.
 */
import { numberFlag, parseFlags } from "./cli/flags.ts";
import { runTask } from "./cli/run_task.ts";
import { UserError } from "../core/user_error.ts";
import { parseBlockKind } from "../core/block_kind.ts";
import {
  compareSeedClaims,
  configReportToJson,
  describeConfig,
  formatConfigReport,
  formatPlan,
  formatSeedClaims,
  LAW_NAMES,
  parseLawName,
  planForCompute,
  planForTokens,
  type PlanOptions,
  planToJson,
  seedComparisonToJson,
} from "../scaling/mod.ts";
import { openStore } from "../pipeline/mod.ts";
import {
  checkLawStore,
  DEFAULT_LAW_SOURCE,
  defaultLawFor,
  formatLawPlan,
  lawPlanToJson,
  lawStoreOf,
  planWithLaw,
  readLaw,
} from "../model/sweep/mod.ts";

const USAGE = `usage: deno task size (--tokens N | --data DIR/tokens.zarr | --flops C) [options]
       deno task size --model-d D [--layers L] [--vocab V] [--tokens N] [options]

Sizes a micro_gpt with the scaling laws: the compute-optimal parameter count for the budget, the
closest configuration (model_d a multiple of 64, head size 32-128, vocabulary from Tao et al.'s law
or fixed), its exact parameter count and FLOPs, the predicted loss, and the neighbouring widths.
With --model-d it describes that one configuration and the token budget it is compute-optimal for.`;

const FLAGS = {
  tokens: { type: "string", help: "N  unique train tokens (1e9, 1_000_000_000, 1B, 250M, 2.5e8)" },
  data: {
    type: "string",
    help:
      "PATH  read the train token count and vocabulary from a token store (or several: a list, glob or manifest)",
  },
  flops: { type: "string", help: "C  a training budget in FLOPs instead of tokens" },
  epochs: { type: "string", help: "E  passes over the train tokens (default 1)" },
  layers: { type: "string", help: "L  blocks (default 4, micro_gpt_4)" },
  law: {
    type: "string",
    help: `NAME|FILE  ${
      LAW_NAMES.join(" | ")
    }, or a law.json of deno task sweep (default: the default store's measured law, else chinchilla)`,
  },
  "model-d": { type: "string", help: "D  describe this width instead of searching" },
  vocab: {
    type: "string",
    help: "V  fix the vocabulary (default: the store's, else Tao et al.'s law)",
  },
  heads: { type: "string", help: "H  heads for --model-d (default: head size nearest 64)" },
  block: { type: "string", help: "KIND  original | preln (default original; seed = original)" },
  ctx: { type: "string", help: "T  context length for the Appendix F FLOPs (default 128)" },
  "special-tokens": { type: "string", help: "N  special tokens beyond the 256 bytes (default 1)" },
  "vocab-multiple": {
    type: "string",
    help: "M  round the vocabulary to a multiple of M (default 64)",
  },
  "seed-claims": {
    type: "boolean",
    help: "run the seed study's two data set-ups through the laws",
  },
  json: { type: "boolean", help: "print one JSON object" },
} as const;

/** Flags that shape the model a published law searches for; a measured law picks from its family. */
const MODEL_FLAGS = [
  "model-d",
  "layers",
  "vocab",
  "heads",
  "ctx",
  "block",
  "special-tokens",
  "vocab-multiple",
] as const;

await runTask(async () => {
  const flags = parseFlags(Deno.args, USAGE, FLAGS);
  const optional = (name: keyof typeof FLAGS, options: Parameters<typeof numberFlag>[2]) =>
    flags[name] === undefined ? undefined : numberFlag(name, flags[name], options);
  const whole = { min: 1, integer: true };
  const lawFile = typeof flags.law === "string" && /\.json$|\//.test(flags.law)
    ? flags.law
    : undefined;
  const law = parseLawName(lawFile ? "chinchilla" : String(flags.law ?? "chinchilla"));
  const block = parseBlockKind(flags.block ?? "original", "--block");
  const budgets = (["tokens", "data", "flops"] as const).filter((name) =>
    flags[name] !== undefined
  );
  if (budgets.length > 1) {
    throw new UserError(`--${budgets[0]} and --${budgets[1]}: give only one budget`);
  }
  // The store's train split is the unique data; its vocabulary is the one the model must use.
  const store = flags.data === undefined ? undefined : await openStore(String(flags.data));
  const options: PlanOptions = {
    law,
    block,
    epochs: optional("epochs", { min: 1, max: 1e6 }),
    layers: optional("layers", { ...whole, max: 1024 }),
    vocab: optional("vocab", { ...whole, max: 2 ** 32 }) ?? store?.vocabSize,
    ctx: optional("ctx", { ...whole, max: 1 << 24 }),
    specialTokens: optional("special-tokens", { min: 0, max: 65_000, integer: true }),
    vocabMultiple: optional("vocab-multiple", { ...whole, max: 4096 }),
  };
  const tokens = store?.tokens("train") ?? optional("tokens", { min: 1, max: 1e15 });
  if (tokens === 0) throw new UserError(`${flags.data}: the train split holds no tokens`);
  const json = flags.json === true;
  const print = (text: string, value: Record<string, unknown>) =>
    console.log(json ? JSON.stringify(value) : text);

  // A measured law: the one given, or the default corpus's for its store unless --law names one
  // or a flag shapes the model (the law picks from the sweep's family, trained as the sweep was).
  const shaping = MODEL_FLAGS.filter((name) => flags[name] !== undefined);
  const measured = lawFile !== undefined
    ? { law: await readLaw(lawFile), source: lawFile }
    : store && flags.law === undefined && shaping.length === 0
    ? { law: await defaultLawFor(lawStoreOf(store)), source: DEFAULT_LAW_SOURCE }
    : undefined;
  if (measured?.law) {
    if (store && lawFile) checkLawStore(measured.law, lawStoreOf(store), lawFile);
    if (shaping.length > 0) {
      throw new UserError(
        `--law FILE sizes the model from the sweep's family: drop ${
          shaping.map((name) => `--${name}`).join("/")
        }`,
      );
    }
    const flops = flags.flops === undefined
      ? undefined
      : numberFlag("flops", flags.flops, { min: 1, max: 1e32 });
    if (flops === undefined && tokens === undefined) {
      throw new UserError("give a budget: --tokens, --data or --flops");
    }
    // With --epochs, the budget is every token seen: E passes over the store's.
    const plan = planWithLaw(
      measured.law,
      flops !== undefined ? { flops } : { tokens: tokens! * (options.epochs ?? 1) },
      measured.source,
    );
    print(formatLawPlan(plan), lawPlanToJson(plan));
    return;
  }

  if (flags["seed-claims"] === true) {
    const rows = compareSeedClaims();
    print(formatSeedClaims(rows), { rows: rows.map(seedComparisonToJson) });
    return;
  }
  if (flags["model-d"] !== undefined) {
    if (flags.flops !== undefined) throw new UserError("--model-d and --flops: give only one");
    const report = describeConfig({
      ...options,
      layers: options.layers ?? 4,
      modelD: numberFlag("model-d", flags["model-d"], { ...whole, max: 1 << 24 }),
      heads: optional("heads", { ...whole, max: 1 << 24 }),
      tokens,
    });
    print(formatConfigReport(report), configReportToJson(report));
    return;
  }
  if (flags.heads !== undefined) throw new UserError("--heads needs --model-d");
  if (budgets.length === 0) {
    throw new UserError("give a budget: --tokens, --data or --flops (or --model-d; see --help)");
  }
  const label = budgets[0] === "data" ? String(flags.data) : `--${budgets[0]} ${flags[budgets[0]]}`;
  const plan = flags.flops !== undefined
    ? planForCompute(numberFlag("flops", flags.flops, { min: 1, max: 1e32 }), {
      ...options,
      budgetLabel: label,
    })
    : planForTokens(tokens!, { ...options, budgetLabel: label });
  print(formatPlan(plan), planToJson(plan));
});
