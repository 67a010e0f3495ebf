import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { scientific } from "../../core/number_format.ts";
import type { SweepPlan } from "./plan.ts";

/** The sweep folder's record of its grid, so a re-run continues the same sweep or refuses. */
export const SWEEP_FILE = "sweep.json";

/** What makes two sweeps the same: the store's tokenizer and train tokens, and every run. */
interface SweepRecord {
  tokenizer_sha256: string;
  train_tokens: number;
  budgets: number[];
  runs: { name: string; params: number; steps: number }[];
}

/**
 * Writes the grid's record into `out`, or checks it against the one there: a sweep folder holds one
 * grid of one store, and a re-run with other budgets, sizes or data is refused in one line.
 */
export async function recordSweep(
  out: string,
  plan: SweepPlan,
  store: { tokenizerSha256: string; trainTokens: number },
): Promise<void> {
  const record: SweepRecord = {
    tokenizer_sha256: store.tokenizerSha256,
    train_tokens: store.trainTokens,
    budgets: plan.budgets,
    runs: plan.runs.map((run) => ({
      name: run.name,
      params: run.model.params,
      steps: run.steps,
    })),
  };
  const path = `${out}/${SWEEP_FILE}`;
  const existing = await Deno.readTextFile(path).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  });
  if (existing === null) {
    await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(record, null, 1) + "\n"));
    return;
  }
  let before: SweepRecord;
  try {
    before = JSON.parse(existing);
  } catch {
    throw new UserError(`${path}: not JSON; move the folder away or choose another --out`);
  }
  const differs = before.tokenizer_sha256 !== record.tokenizer_sha256 ||
      before.train_tokens !== record.train_tokens
    ? "another store"
    : JSON.stringify(before.budgets) !== JSON.stringify(record.budgets)
    ? `budgets ${before.budgets.map((b) => scientific(b, 1)).join(",")}`
    : JSON.stringify(before.runs) !== JSON.stringify(record.runs)
    ? "other sizes"
    : null;
  if (differs) {
    throw new UserError(
      `--out ${out}: holds a sweep of ${differs}; re-run it with its own flags or choose another --out`,
    );
  }
}
