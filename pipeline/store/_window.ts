/** The checks every reader of windows makes: a known split, a positive whole context length. */
import { UserError } from "../../core/user_error.ts";
import { type Split, SPLITS } from "./split_hash.ts";

/** `split`, or a `UserError` naming it when it is neither train nor val. */
export function checkSplit(split: Split): Split {
  if (!SPLITS.includes(split)) throw new UserError(`unknown split '${split}' (train or val)`);
  return split;
}

/** The length of a window (`contextLength + 1` tokens), or a `UserError` for a bad context length. */
export function windowLength(contextLength: number): number {
  if (!Number.isInteger(contextLength) || contextLength < 1) {
    throw new UserError(`context length must be a positive whole number, got ${contextLength}`);
  }
  return contextLength + 1;
}

/** How many windows `iterate` yields from `tokens` tokens: starts 0, ctx, 2 ctx, ... with a full window. */
export function windowCount(tokens: number, contextLength: number): number {
  return tokens < contextLength + 1 ? 0 : Math.floor((tokens - 1) / contextLength);
}
