/** A finished sweep run's record in its folder: present only once the run is done. */
export const RESULT_FILE = "sweep_result.json";

/** What `RESULT_FILE` holds (snake_case, as the run folder's other JSON). */
export interface RunOutcome {
  /** Updates trained. */
  step: number;
  /** Loss over the whole val split after the last update, nats per token. */
  val_loss: number;
  /** The same in bits per UTF-8 byte. */
  bits_per_byte: number;
  /** Training tokens per second of the last process that trained it. */
  tokens_per_second: number;
}

/** The outcome in `runDir`, or null when the run has not finished. */
export async function readOutcome(runDir: string): Promise<RunOutcome | null> {
  try {
    const outcome = JSON.parse(await Deno.readTextFile(`${runDir}/${RESULT_FILE}`)) as RunOutcome;
    return Number.isFinite(outcome.val_loss) ? outcome : null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return null;
    throw error;
  }
}
