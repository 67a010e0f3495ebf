/**
 * The share rule of `--shard I/N` (`pipeline/sources/_shard_plan.ts`): each part, in input order,
 * to the share with the fewest bytes so far, ties to the lowest index. Deterministic, every part in
 * exactly one share, shares within one part's size of each other; on real inputs (files, a tar's
 * members, the default corpus's files) the shares' documents are the input's, each once.
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { parseShard, readDocuments, type SourcePart } from "../pipeline/mod.ts";
import { planShare, ShareLoads } from "../pipeline/sources/_shard_plan.ts";
import { UserError } from "../core/user_error.ts";
import { seededRandom } from "./pipeline_store_fixtures.ts";
import { writeShardInputs } from "./pipeline_store_shard_fixtures.ts";

const work = await Deno.makeTempDir();
const { input, documents } = await writeShardInputs(work);

function fileParts(sizes: number[]): SourcePart[] {
  return sizes.map((bytes, k) => ({
    kind: "file",
    file: { path: `p${k}.jsonl`, bytes, mtime: null },
  }));
}

const noArchives = () => Promise.reject(new Error("no archive here"));

Deno.test("share rule: fewest bytes so far, ties to the lowest index", () => {
  const loads = new ShareLoads(3);
  assertEquals([10, 10, 10, 5, 30, 1].map((size) => loads.assign(size)), [0, 1, 2, 0, 1, 2]);
  assertEquals(loads.loads, [15, 40, 11]);
  // Continuing from given totals (an archive's members) is the same as never having stopped.
  const again = new ShareLoads(3, [15, 40, 11]);
  assertEquals([again.assign(2), again.assign(2), again.assign(3)], [2, 2, 0]);
});

Deno.test("share rule: deterministic, every part in one share, balanced within one part", async () => {
  const random = seededRandom(7);
  for (const count of [1, 2, 3, 7, 16]) {
    const sizes = Array.from({ length: 200 }, () => 1 + Math.floor(random() ** 3 * 1e6));
    const parts = fileParts(sizes);
    const owner = new Map<string, number>();
    const bytes: number[] = [];
    for (let index = 0; index < count; index++) {
      const share = await planShare(parts, { index, count }, noArchives);
      assertEquals(await planShare(parts, { index, count }, noArchives), share);
      bytes.push(0);
      for (const part of share) {
        assert(part.kind === "file");
        assert(!owner.has(part.file.path), `${part.file.path} in two shares`);
        owner.set(part.file.path, index);
        bytes[index] += part.file.bytes;
      }
    }
    assertEquals(owner.size, parts.length, "every part in a share");
    const spread = Math.max(...bytes) - Math.min(...bytes);
    assert(spread <= Math.max(...sizes), `shares ${bytes} differ by more than a part`);
  }
});

Deno.test("share rule: not every N-th part when sizes differ", async () => {
  const parts = fileParts([100, 1, 1, 1, 1, 1, 1, 1, 1, 100]);
  const first = await planShare(parts, { index: 0, count: 2 }, noArchives);
  const second = await planShare(parts, { index: 1, count: 2 }, noArchives);
  assertEquals(first.map((part) => part.kind === "file" && part.file.path), ["p0.jsonl"]);
  assertEquals(second.length, 9);
});

Deno.test("share rule: the shares of files and tar members hold every document once", async () => {
  const all = [];
  for await (const text of await readDocuments([input])) all.push(text);
  assertEquals(all.length, documents);
  for (const count of [1, 2, 3, 7]) {
    const seen: string[] = [];
    for (let index = 0; index < count; index++) {
      const source = await readDocuments([input], { shard: { index, count } });
      assertEquals(source.shard, { index, count });
      // The archive is a part of every share; its members are shared out.
      assert(source.parts.some((part) => part.kind === "archive-share"));
      for await (const text of source) seen.push(text);
    }
    assertEquals(seen.sort(), [...all].sort(), `${count} shares`);
  }
});

Deno.test("share rule: the default corpus's files are shared out the same way", async () => {
  const whole = await readDocuments([]);
  const sizes: number[] = [];
  let count = 0;
  for (let index = 0; index < 3; index++) {
    const share = await readDocuments([], { shard: { index, count: 3 } });
    sizes.push(share.totalBytes);
    count += share.parts.length;
  }
  assertEquals(count, whole.parts.length);
  const largest = Math.max(
    ...whole.parts.map((part) => part.kind === "default-corpus" ? part.bytes : 0),
  );
  assert(Math.max(...sizes) - Math.min(...sizes) <= largest, `shares of ${sizes} bytes`);
});

Deno.test("--shard: I/N with I from 0 to N-1, else one line naming the flag", () => {
  assertEquals(parseShard("0/4"), { index: 0, count: 4 });
  assertEquals(parseShard("6/7"), { index: 6, count: 7 });
  for (const bad of ["3/2", "2/2", "0/0", "x", "1", "-1/2", "1/2/3", ""]) {
    const error = assertThrows(() => parseShard(bad), UserError);
    assert(error.message.startsWith(`--shard ${bad}`) && !error.message.includes("\n"));
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(work, { recursive: true }));
