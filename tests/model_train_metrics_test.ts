import { lossPlotSvg, MetricsLog, type MetricsRecord, readMetrics } from "../model/run/metrics.ts";
import { lineChartSvg, niceScale } from "../model/run/plot.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";

function record(step: number, extra: Partial<MetricsRecord> = {}): MetricsRecord {
  return { step, loss: 5 - step / 10, lr: 1e-4, grad_norm: 1, tokens_per_second: 100, ...extra };
}

Deno.test("niceScale widens to round numbers with 1-2-5 steps", () => {
  assertEquals(niceScale([0.3, 9.2]), { min: 0, max: 10, ticks: [0, 2, 4, 6, 8, 10] });
  assertEquals(niceScale([3.17, 3.52]), {
    min: 3.1,
    max: 3.6,
    ticks: [3.1, 3.2, 3.3, 3.4, 3.5, 3.6],
  });
  assertEquals(niceScale([1, 1000]).ticks, [0, 200, 400, 600, 800, 1000]);
  const flat = niceScale([2, 2]);
  assert(flat.min < 2 && flat.max > 2, "a flat series still gets a range");
});

Deno.test("the chart maps points into the plot box, skips non-finite ones, escapes text", () => {
  const svg = lineChartSvg([
    { name: "a<b", color: "#000", points: [{ x: 0, y: 0 }, { x: 5, y: NaN }, { x: 10, y: 10 }] },
  ], { title: "t & u", xLabel: "x", yLabel: "y", width: 200, height: 100 });
  assert(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert(svg.trimEnd().endsWith("</svg>"));
  assert(svg.includes("t &amp; u") && svg.includes("a&lt;b"));
  const points = /<polyline points="([^"]+)"/.exec(svg)![1].split(" ");
  // margins: left 64, right 20, top 36, bottom 48 -> box x 64..180, y 36..52; (0,0) bottom-left, (10,10) top-right.
  assertEquals(points, ["64.0,52.0", "180.0,36.0"]);
});

Deno.test("loss plot: a train line over every step, val markers at evals", () => {
  const records = [record(1), record(2, { val_loss: 4.5, val_ppl: 90 }), record(3), record(4)];
  records[3].val_loss = 4.2;
  const svg = lossPlotSvg(records);
  const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1].split(" ").length);
  assertEquals(lines, [4, 2]);
  assertEquals([...svg.matchAll(/<circle /g)].length, 2);
});

Deno.test("metrics log appends lines; resuming drops the steps after the checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/metrics.jsonl`;
    const log = await MetricsLog.open(path);
    for (let step = 1; step <= 5; step++) await log.append(record(step));
    assertEquals((await readMetrics(path)).map((r) => r.step), [1, 2, 3, 4, 5]);
    // A crash mid-write leaves a cut last line: it is ignored, and dropped on resume.
    await Deno.writeTextFile(path, '{"step": 6, "lo', { append: true });
    assertEquals((await readMetrics(path)).length, 5);
    const resumed = await MetricsLog.open(path, 3);
    await resumed.append(record(4, { loss: 1.25 }));
    const back = await readMetrics(path);
    assertEquals(back.map((r) => r.step), [1, 2, 3, 4]);
    assertEquals(back[3].loss, 1.25);
    await Deno.writeTextFile(path, "garbage\n" + (await Deno.readTextFile(path)));
    await assertRejects(() => readMetrics(path), UserError, `${path}:1`);
    assertEquals(await readMetrics(`${dir}/none.jsonl`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
