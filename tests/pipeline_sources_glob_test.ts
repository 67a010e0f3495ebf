import { assert, assertEquals } from "./assert.ts";
import { globToRegExp, hasGlobMagic, splitGlob } from "../pipeline/sources/_glob.ts";
import { resolveInputs } from "../pipeline/sources/_input_files.ts";
import { withTempDir, writeFiles } from "./pipeline_sources_fixtures.ts";

function matches(pattern: string, paths: string[]): string[] {
  const regexp = globToRegExp(pattern);
  return paths.filter((path) => regexp.test(path));
}

const PATHS = [
  "a.txt",
  "b.jsonl",
  "ab.txt",
  ".hidden.txt",
  "sub/c.txt",
  "sub/deeper/d.txt",
  "sub/.git/e.txt",
  "x[1].txt",
  "urlsf_subset00-1_data.xz",
  "urlsf_subset10-2_data.xz",
];

Deno.test("* and ? stay within a segment and skip hidden names", () => {
  assertEquals(matches("*.txt", PATHS), ["a.txt", "ab.txt", "x[1].txt"]);
  assertEquals(matches("?.txt", PATHS), ["a.txt"]);
  assertEquals(matches(".*.txt", PATHS), [".hidden.txt"]);
  assertEquals(matches("sub/*.txt", PATHS), ["sub/c.txt"]);
  assertEquals(matches("urlsf_subset0?-*_data.xz", PATHS), ["urlsf_subset00-1_data.xz"]);
});

Deno.test("** spans zero or more folders, never hidden ones", () => {
  assertEquals(matches("**/*.txt", PATHS), [
    "a.txt",
    "ab.txt",
    "sub/c.txt",
    "sub/deeper/d.txt",
    "x[1].txt",
  ]);
  assertEquals(matches("sub/**", PATHS), ["sub/c.txt", "sub/deeper/d.txt"]);
  assertEquals(matches("**/d.txt", PATHS), ["sub/deeper/d.txt"]);
});

Deno.test("character classes, negated classes, and regex characters taken literally", () => {
  assertEquals(matches("[ab].*", PATHS), ["a.txt", "b.jsonl"]);
  assertEquals(matches("[!a]*.txt", PATHS), ["x[1].txt"]);
  assertEquals(matches("urlsf_subset[0-1]0-?_data.xz", PATHS), [
    "urlsf_subset00-1_data.xz",
    "urlsf_subset10-2_data.xz",
  ]);
  assert(globToRegExp("a+b(c).txt").test("a+b(c).txt"));
  assert(!globToRegExp("a.txt").test("abtxt"));
});

Deno.test("splitGlob finds the folder to walk", () => {
  assertEquals(splitGlob("data/owt/**/*.jsonl"), { base: "data/owt", rest: "**/*.jsonl" });
  assertEquals(splitGlob("*.txt"), { base: ".", rest: "*.txt" });
  assertEquals(splitGlob("/abs/x?/y"), { base: "/abs", rest: "x?/y" });
  assert(hasGlobMagic("a/*.txt") && !hasGlobMagic("a/b.txt"));
});

Deno.test("resolveInputs: an existing path with glob characters is literal; files named twice are read once", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "x[1].txt": "literal",
      "x1.txt": "one",
      "d/b.txt": "b",
      "d/a.txt": "a",
    });
    const literal = await resolveInputs([`${dir}/x[1].txt`]);
    assertEquals(literal.map((file) => file.path), [`${dir}/x[1].txt`]);
    const globbed = await resolveInputs([`${dir}/x[1]*.txt`]);
    assertEquals(globbed.map((file) => file.path), [`${dir}/x1.txt`]);
    const twice = await resolveInputs([`${dir}/d/b.txt`, `${dir}/d`, `${dir}/d/../d/a.txt`]);
    assertEquals(twice.map((file) => file.path), [`${dir}/d/b.txt`, `${dir}/d/a.txt`]);
    assertEquals(twice.map((file) => file.bytes), [1, 1]);
  });
});
