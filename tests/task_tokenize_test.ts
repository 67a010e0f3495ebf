/**
 * `deno task tokenize` end to end, in subprocesses: killed with SIGKILL mid-run (during training and
 * during encoding) and started again, stopped with SIGINT, fed bad flags, a read-only directory and
 * a full disk. Every interrupted store, once finished, must equal an uninterrupted run's.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { tokenizeCorpus } from "../pipeline/mod.ts";
import { decodeOutput, ROOT, taskArgs, taskCommand } from "./task_process.ts";
import {
  makeReadOnly,
  readStoreArrays,
  referenceStore,
  trainSmallTokenizer,
} from "./pipeline_store_fixtures.ts";

const work = await Deno.makeTempDir();
const tokenizerPath = `${work}/tokenizer.json`;
await trainSmallTokenizer(tokenizerPath);
const decoder = new TextDecoder();

/** The flags of the interrupted runs: small chunks, so there are a few hundred commits. */
const flags = [
  "--tokenizer",
  tokenizerPath,
  "--max-docs",
  "6000",
  "--chunk-tokens",
  "1024",
  "--val-fraction",
  "0.05",
];
const options = { tokenizerPath, maxDocs: 6000, chunkTokens: 1024, valFraction: 0.05 };

function spawn(args: string[]): Deno.ChildProcess {
  return taskCommand("tokenize", args).spawn();
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return decodeOutput(await spawn(args).output());
}

/** Committed token chunks of the train split, from the store's journal (0 before there is one). */
async function committedChunks(outDir: string): Promise<number> {
  try {
    const root = JSON.parse(await Deno.readTextFile(`${outDir}/tokens.zarr/zarr.json`));
    return root.attributes.resume?.train.token_chunks ?? (root.attributes.complete ? Infinity : 0);
  } catch {
    return -1; // no store yet
  }
}

/** Starts the task and sends `signal` once the journal shows `chunks` committed chunks. */
async function interruptAt(
  args: string[],
  outDir: string,
  chunks: number,
  signal: Deno.Signal,
): Promise<{ interrupted: boolean; status: Deno.CommandStatus; stdout: string; stderr: string }> {
  const child = spawn(args);
  const output = child.output();
  let interrupted = false;
  let exited = false;
  output.finally(() => exited = true);
  while (!exited) {
    if (await committedChunks(outDir) >= chunks) {
      if (await committedChunks(outDir) !== Infinity) {
        child.kill(signal);
        interrupted = true;
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const result = await output;
  return {
    interrupted,
    status: result,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

const referenceArrays = referenceStore(() =>
  tokenizeCorpus({ ...options, outDir: `${work}/reference`, workers: 1 })
);

Deno.test("tokenize: kill -9 during encoding, twice, then the same command: the uninterrupted store", async () => {
  const outDir = `${work}/killed`;
  const args = [...flags, "--out", outDir];
  let kills = 0;
  for (const chunks of [20, 60]) {
    const { interrupted, status } = await interruptAt(args, outDir, chunks, "SIGKILL");
    if (!interrupted) break;
    assertEquals(status.signal, "SIGKILL");
    kills++;
  }
  assert(kills > 0, "the run finished before it could be killed");
  const last = await run(args);
  assertEquals(last.code, 0, last.stderr);
  assertStringIncludes(last.stdout, "complete (resumed)");
  assertEquals(await readStoreArrays(`${outDir}/tokens.zarr`), await referenceArrays());
});

Deno.test("tokenize: kill -9 while the tokenizer trains, then the same command: the same store", async () => {
  const outDir = `${work}/killed-training`;
  const args = ["--vocab", "300", "--max-docs", "3000", "--chunk-tokens", "4096", "--out", outDir];
  const { interrupted, status } = await interruptAt(args, outDir, 0, "SIGKILL");
  assert(interrupted && status.signal === "SIGKILL", "killed as soon as the store appeared");
  const last = await run(args);
  assertEquals(last.code, 0, last.stderr);
  await tokenizeCorpus({
    vocabSize: 300,
    maxDocs: 3000,
    chunkTokens: 4096,
    outDir: `${work}/trained-reference`,
  });
  assertEquals(
    await readStoreArrays(`${outDir}/tokens.zarr`),
    await readStoreArrays(`${work}/trained-reference/tokens.zarr`),
  );
  assertEquals(
    await Deno.readTextFile(`${outDir}/tokenizer.json`),
    await Deno.readTextFile(`${work}/trained-reference/tokenizer.json`),
  );
});

Deno.test("tokenize: Ctrl-C finishes the chunk in hand and exits cleanly; the same command resumes", async () => {
  const outDir = `${work}/sigint`;
  const args = [...flags, "--out", outDir];
  const { interrupted, status, stdout, stderr } = await interruptAt(args, outDir, 20, "SIGINT");
  assert(interrupted, "the run finished before Ctrl-C");
  assertEquals(status.code, 130, stderr);
  assertStringIncludes(stderr, "finishing the chunk in hand");
  assertStringIncludes(stderr, "run the same command again to continue");
  assert(!/^\s+at /m.test(stderr), `no stack trace expected:\n${stderr}`);
  assertStringIncludes(stdout, "interrupted (resumable)");
  const last = await run([...args, "--resume", "--json"]);
  assertEquals(last.code, 0, last.stderr);
  const summary = JSON.parse(last.stdout);
  assertEquals([summary.status, summary.resumed, summary.documents], ["complete", true, 6000]);
  assertEquals(await readStoreArrays(`${outDir}/tokens.zarr`), await referenceArrays());
});

Deno.test("tokenize: two runs into one --out started together: one writes, the other refuses at once", async () => {
  const outDir = `${work}/together`;
  const args = [...flags, "--out", outDir];
  const children = [spawn(args), spawn(args)];
  const outputs = children.map((child) => child.output());
  // The refused one ends first: the other encodes 6000 documents in a few hundred chunks.
  const first = await Promise.race(outputs.map((output, i) => output.then(() => i)));
  const holder = children[1 - first];
  const refused = decodeOutput(await outputs[first]);
  assertEquals(refused.code, 1, refused.stderr);
  const lines = refused.stderr.trim().split("\n");
  assertEquals(lines.length, 1, refused.stderr);
  assertStringIncludes(lines[0], `error: ${outDir} is being written by another process`);
  assertStringIncludes(lines[0], `pid ${holder.pid}`);
  const held = decodeOutput(await outputs[1 - first]);
  assertEquals(held.code, 0, held.stderr);
  assertStringIncludes(held.stdout, "(complete)");
  // The refused run touched nothing: the store is the uninterrupted one.
  assertEquals(await readStoreArrays(`${outDir}/tokens.zarr`), await referenceArrays());
});

Deno.test("tokenize: --json summary of a complete run, and of a run with nothing left to do", async () => {
  const outDir = `${work}/json`;
  const args = [...flags, "--max-docs", "500", "--chunk-tokens", "65536", "--out", outDir];
  const first = await run([...args, "--json"]);
  assertEquals(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assertEquals(summary.status, "complete");
  assertEquals(summary.documents, 500);
  assertEquals(summary.splits.train.documents + summary.splits.val.documents, 500);
  assert(summary.bytesPerToken > 1, JSON.stringify(summary));
  assertEquals(typeof summary.invalidUtf8, "number");
  assertEquals(typeof summary.seconds, "number");
  const again = await run(args);
  assertEquals(again.code, 0, again.stderr);
  assertStringIncludes(again.stdout, "already complete");
});

Deno.test("tokenize: bad flags and inputs give one line on stderr and exit code 1", async () => {
  await Deno.writeTextFile(`${work}/a-file`, "x");
  const cases: [string[], RegExp][] = [
    [["--vocab", "5e9"], /--vocab: must be between 1 and 4294967296/],
    [["--vocab", "300", "--tokenizer", tokenizerPath], /exclude each other/],
    [["--chunk-tokens", "20014"], /--chunk-tokens 20014/],
    [["--out", `${work}/a-file`], /is not a directory/],
    [["--input", `${work}/no-such.txt`], /no-such\.txt/],
    [["--val-fraction", "abc"], /--val-fraction: expected a number/],
    [["--bogus"], /bogus/],
    [["--tokenizer", `${work}/a-file`], /a-file/],
  ];
  for (const [args, message] of cases) {
    const out = args.includes("--out") ? [] : ["--out", `${work}/never`];
    const { code, stderr } = await run([...args, "--max-docs", "10", ...out]);
    assertEquals(code, 1, `${args.join(" ")}: ${stderr}`);
    const lines = stderr.trim().split("\n");
    assertEquals(lines.length, 1, `${args.join(" ")}: ${stderr}`);
    assertMatch(lines[0], new RegExp(`^error: .*${message.source}`));
  }
  await Deno.stat(`${work}/never`).then(
    () => assert(false, "a refused run created --out"),
    () => {},
  );
});

Deno.test("tokenize: a read-only --out is refused, naming the path", async () => {
  const parent = `${work}/read-only`;
  await Deno.mkdir(parent);
  const undo = await makeReadOnly(parent);
  if (!undo) return;
  try {
    const { code, stderr } = await run([...flags, "--out", `${parent}/out`]);
    assertEquals(code, 1, stderr);
    assertMatch(stderr, /error: .*read-only\/out.*(denied|not permitted)/);
  } finally {
    await undo();
  }
});

Deno.test("tokenize: a full disk stops with the failing path; the chunks written are intact", async () => {
  // A 96 kB tmpfs in a private mount namespace: the disk fills up after a few chunks.
  const mount = `${work}/small-disk`;
  await Deno.mkdir(mount);
  const script = `mount -t tmpfs -o size=96k tmpfs '${mount}' && cd '${ROOT}' && ` +
    `'${Deno.execPath()}' ${taskArgs("tokenize").join(" ")} ${
      flags.join(" ")
    } --out '${mount}/out'; ` +
    `code=$?; python3 -c "import json;print(json.dumps(json.load(open('${mount}/out/tokens.zarr/zarr.json'))['attributes']['resume']))"; ` +
    `ls '${mount}/out/tokens.zarr/train/tokens/c' | wc -l; exit $code`;
  const probe = await new Deno.Command("unshare", { args: ["-rm", "true"], stderr: "null" })
    .output().catch(() => null);
  if (!probe?.success) {
    console.log("skipped: unshare (user and mount namespaces) is not available here");
    return;
  }
  const output = await new Deno.Command("unshare", {
    args: ["-rm", "sh", "-c", script],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const stderr = decoder.decode(output.stderr);
  assertEquals(output.code, 1, stderr);
  assertMatch(
    stderr,
    /error: cannot write .*small-disk\/out\/tokens\.zarr\/.*: No space left on device/,
  );
  const [journal, files] = decoder.decode(output.stdout).trim().split("\n");
  const resume = JSON.parse(journal);
  assert(resume.train.token_chunks > 0, journal);
  assert(Number(files) >= resume.train.token_chunks, `${files} shard files for ${journal}`);
});

Deno.test({ name: "tokenize: clean up", fn: () => Deno.remove(work, { recursive: true }) });
