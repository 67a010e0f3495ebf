/** `--shard I/N`: the share of a source's parts a run reads (the rule is in `_shard_plan.ts`). */
import { UserError } from "../../core/user_error.ts";
import type { Shard } from "./types.ts";

/** `I/N` as `--shard` takes it; anything else is a one-line UserError. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) {
    throw new UserError(`--shard ${text}: expected I/N, e.g. 0/4 (share I of N, I from 0)`);
  }
  const shard = { index: Number(match[1]), count: Number(match[2]) };
  checkShard(shard);
  return shard;
}

/** Refuses a share that does not exist (`UserError` naming `--shard`). */
export function checkShard({ index, count }: Shard): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new UserError(`--shard ${index}/${count}: N must be at least 1`);
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new UserError(`--shard ${index}/${count}: I must be from 0 to ${count - 1}`);
  }
}
