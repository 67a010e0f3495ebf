/** End-to-end tests of `deno task size`: the task is spawned as a user runs it. */
import { runTaskProcess } from "./task_process.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { planForTokens, planToJson } from "../scaling/mod.ts";
import { syntheticDocuments, writeSyntheticStore } from "./pipeline_store_fixtures.ts";
import { openStore } from "../pipeline/store/reader.ts";

async function size(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await runTaskProcess("size", ...args);
  return { ...result, stderr: result.stderr.split("\n").filter(Boolean).join("\n") };
}

Deno.test("size --json: every spelling of a token count gives the library's plan", async () => {
  const expected = JSON.parse(JSON.stringify(planToJson(planForTokens(1e9))));
  for (const spelling of ["1e9", "1_000_000_000", "1B"]) {
    const { code, stdout, stderr } = await size("--tokens", spelling, "--json");
    assertEquals([code, stderr], [0, ""], spelling);
    assertEquals(stdout.trim().split("\n").length, 1, "one JSON object on one line");
    assertEquals(JSON.parse(stdout), expected, spelling);
  }
  const [a, b] = await Promise.all([
    size("--tokens", "250M", "--json"),
    size("--tokens", "2.5e8", "--json"),
  ]);
  assertEquals(JSON.parse(a.stdout), JSON.parse(b.stdout));
});

Deno.test("size --layers 4 --model-d 512 --vocab 9000: the seed's count and its optimal budget", async () => {
  const text = await size("--layers", "4", "--model-d", "512", "--vocab", "9000");
  assertEquals(text.code, 0);
  assertStringIncludes(text.stdout, "17,205,248 exact");
  assertMatch(text.stdout, /optimal for\s+[\d,]+ tokens/);
  const json = JSON.parse((await size("--model-d", "512", "--vocab", "9000", "--json")).stdout);
  assertEquals(json.params, 17_205_248);
  assertEquals(json.model.heads, 8);
  assert(json.optimal_tokens > 3e8 && json.optimal_tokens < 4e8, `${json.optimal_tokens}`);
});

Deno.test("size --data reads the train tokens and vocabulary of a real token store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSyntheticStore(`${dir}/tokens.zarr`, syntheticDocuments(1500, 11), {
      chunkTokens: 2048,
    });
    const trainTokens = (await openStore(dir)).tokens("train");
    const { code, stdout, stderr } = await size(
      "--data",
      `${dir}/tokens.zarr`,
      "--epochs",
      "100",
      "--json",
    );
    assertEquals([code, stderr], [0, ""]);
    const json = JSON.parse(stdout);
    assertEquals(json.tokens, trainTokens);
    assertEquals(json.model.vocab, 1000);
    assertEquals(json.vocab_source, "fixed");
    // The directory holding the store works too.
    assertEquals(JSON.parse((await size("--data", dir, "--epochs", "100", "--json")).stdout), json);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("size: bad input is one line on stderr and exit code 1", async () => {
  const cases: [string[], string][] = [
    [["--tokens", "-5"], "--tokens: must be"],
    [["--tokens", "abc"], "--tokens: expected a number, got 'abc'"],
    [["--tokens", "1000"], "--tokens 1000: the compute-optimal model has"],
    [["--data", "/nonexistent/tokens.zarr"], "/nonexistent/tokens.zarr"],
    [["--tokens", "1e9", "--law", "kaplan"], "--law: expected one of"],
    [["--flops", "1e19", "--epochs", "3"], "--epochs applies to a token budget"],
    [[], "give a budget"],
  ];
  const results = await Promise.all(cases.map(([args]) => size(...args)));
  results.forEach(({ code, stdout, stderr }, i) => {
    const [args, message] = cases[i];
    assertEquals(code, 1, args.join(" "));
    assertEquals(stdout, "", args.join(" "));
    assertEquals(stderr.split("\n").length, 1, `one line for ${args.join(" ")}: ${stderr}`);
    assertMatch(stderr, /^error: /);
    assertStringIncludes(stderr, message);
  });
});

Deno.test("size with Llama2-70B's shape recommends the law's vocabulary, not a uint16 cap", async () => {
  const args = ["--layers", "80", "--model-d", "8192", "--heads", "64"];
  const text = await size(...args);
  assertEquals([text.code, text.stderr], [0, ""]);
  assertMatch(text.stdout, /vocab law\s+Tao et al\. 2024 would pick 215,424 for this body/);
  assert(!text.stdout.includes("65,472"), text.stdout);
  const json = JSON.parse((await size(...args, "--json")).stdout);
  assertEquals([json.vocab_recommended, json.vocab_law, json.vocab_limit], [
    215_424,
    215_424,
    null,
  ]);
  assertEquals(json.model.vocab, 215_424);
});

Deno.test("size names the limit, not the law, where the byte-level floor decides", async () => {
  const text = await size("--layers", "1", "--model-d", "64");
  assertEquals(text.code, 0, text.stderr);
  assertStringIncludes(
    text.stdout,
    "Tao et al. 2024's law says 192 for this body; 320 is the byte-level floor",
  );
  assertStringIncludes(text.stdout, "so that limit decides, not the law");
});

Deno.test("size on a tiny budget makes no loss prediction and says why; --json gives null", async () => {
  const text = await size("--tokens", "5M");
  assertEquals(text.code, 0, text.stderr);
  assertMatch(text.stdout, /loss\s+no prediction: .*more than 10× below the 70M/);
  assertStringIncludes(text.stdout, "Approach 3 makes no loss prediction for this run");
  assert(!text.stdout.includes("predicts a loss"), text.stdout);
  const json = JSON.parse((await size("--tokens", "5M", "--json")).stdout);
  assertEquals(json.predicted_loss, null);
  assertStringIncludes(json.predicted_loss_withheld, "uniform guess over the vocabulary");
  const described = JSON.parse(
    (await size(
      "--layers",
      "1",
      "--model-d",
      "64",
      "--vocab",
      "8000",
      "--tokens",
      "2.6M",
      "--json",
    ))
      .stdout,
  );
  assertEquals(described.predicted_loss, null);
  assertStringIncludes(described.predicted_loss_withheld, "above ln(8,000) = 8.99 nats");
});
