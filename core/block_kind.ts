import { UserError } from "./user_error.ts";

/**
 * The two block wirings of the micro_gpt family, shared by the model (`GptConfig.block`) and the parameter
 * counts of `scaling/`:
 * - `"original"`: the microGPT study's wiring: one LayerNorm before attention, none before the FFN, no final
 *   LayerNorm.
 * - `"preln"`: the modern pre-LN form: a second LayerNorm per block (before the FFN) and a final LayerNorm.
 */
export const BLOCK_KINDS = ["original", "preln"] as const;

/** One of `BLOCK_KINDS`. */
export type BlockKind = typeof BLOCK_KINDS[number];

// Earlier versions called the original wiring "seed" (after the study), which also named the random seed.
// Run folders and checkpoints written then still say "seed", and `--block seed` still works.
const OLD_NAMES: Readonly<Record<string, BlockKind>> = { seed: "original" };

/**
 * The block wiring `name` stands for (`seed` is read as `original`); a `UserError` starting with `where`
 * (a flag such as `--block`, or a file and field) otherwise. The one check of a block name.
 *
 * @example
 * ```ts
 * import { parseBlockKind } from "./block_kind.ts";
 * parseBlockKind("seed", "--block"); // "original"
 * ```
 */
export function parseBlockKind(name: unknown, where: string): BlockKind {
  if ((BLOCK_KINDS as readonly unknown[]).includes(name)) return name as BlockKind;
  if (typeof name === "string" && Object.hasOwn(OLD_NAMES, name)) return OLD_NAMES[name];
  throw new UserError(`${where}: expected ${BLOCK_KINDS.join(" or ")}, got '${name}'`);
}
