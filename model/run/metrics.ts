import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { lineChartSvg } from "./plot.ts";

/** One line of `metrics.jsonl`: a training step, and the val figures when the step ended with an eval. */
export interface MetricsRecord {
  /** Updates made, this one included. */
  step: number;
  /** Mean training cross-entropy of the step's batch (nats per token), before the update. */
  loss: number;
  /** Learning rate of the step's update. */
  lr: number;
  /** Global gradient norm before clipping. */
  grad_norm: number;
  /** Training tokens per second of this step. */
  tokens_per_second: number;
  /** Mean val cross-entropy (nats per token), on eval steps. */
  val_loss?: number;
  /** exp(val_loss). */
  val_ppl?: number;
  /** val_loss in bits per UTF-8 byte of text. */
  val_bits_per_byte?: number;
}

/**
 * `metrics.jsonl` of a run: one JSON object per line, appended after every step so a crash loses at most
 * the line being written.
 */
export class MetricsLog {
  /** The file. */
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Opens (creating if needed) the log at `path`. With `keepThrough`, lines of later steps are dropped first:
   * a resumed run restarts after its checkpoint, and those steps will be logged again.
   */
  static async open(path: string, keepThrough?: number): Promise<MetricsLog> {
    const records = await readMetrics(path);
    const kept = keepThrough === undefined ? records : records.filter((r) => r.step <= keepThrough);
    if (kept.length !== records.length || records.length === 0) {
      await writeFileAtomic(path, kept.map((r) => JSON.stringify(r) + "\n").join(""));
    }
    return new MetricsLog(path);
  }

  /** Appends one record as a line. */
  async append(record: MetricsRecord): Promise<void> {
    await Deno.writeTextFile(this.path, JSON.stringify(record) + "\n", { append: true });
  }
}

/** The records of a `metrics.jsonl` ([] if the file does not exist); a bad line is a `UserError` naming it. */
export async function readMetrics(path: string): Promise<MetricsRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const records: MetricsRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    try {
      const record = JSON.parse(lines[i]);
      if (typeof record?.step !== "number") throw new Error("no step");
      records.push(record);
    } catch (error) {
      // A line cut short by a crash can only be the last one; anything else is corruption.
      if (i === lines.length - 1) break;
      throw new UserError(`${path}:${i + 1}: not a metrics record (${(error as Error).message})`);
    }
  }
  return records;
}

/** The `loss.svg` picture: training loss at every step and val loss at every eval, in nats per token. */
export function lossPlotSvg(records: MetricsRecord[], title = "loss"): string {
  return lineChartSvg([
    {
      name: "train loss",
      color: "#1f77b4",
      points: records.map((r) => ({ x: r.step, y: r.loss })),
    },
    {
      name: "val loss",
      color: "#d62728",
      markers: true,
      points: records.filter((r) => r.val_loss !== undefined).map((r) => ({
        x: r.step,
        y: r.val_loss!,
      })),
    },
  ], { title, xLabel: "step", yLabel: "cross-entropy (nats/token)" });
}
