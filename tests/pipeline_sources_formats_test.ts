import { assert, assertEquals } from "./assert.ts";
import { isCompressedName, readDocuments, readMember } from "../pipeline/sources/mod.ts";
import {
  collect,
  jsonl,
  parquet,
  run,
  withTempDir,
  writeFiles,
} from "./pipeline_sources_fixtures.ts";

const DOCS = [
  "First document.\nIt has two lines.",
  "Second: ünïcödé, 日本語, emoji 🙂",
  "third\r\nwith CRLF",
];

/** Reads `inputs` twice and checks both passes give `expected`, and that the counters add up. */
async function expectDocuments(inputs: string[], expected: string[], options = {}) {
  const source = await readDocuments(inputs, options);
  assertEquals(await collect(source), expected, inputs.join(" "));
  assertEquals(source.stats.documents, expected.length);
  assertEquals(source.stats.textBytes, new TextEncoder().encode(expected.join("")).length);
  assertEquals(source.stats.inputBytes, source.totalBytes, "every input byte was read");
  assertEquals(source.stats.invalidUtf8, 0);
  assertEquals(await collect(source), expected, "a second pass gives the same documents");
  assertEquals(source.stats.documents, expected.length, "the counters restart with each pass");
}

Deno.test("plain text: one document per file, or per non-empty line", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": DOCS[0], "b.txt": DOCS[1], "empty.txt": "" });
    await expectDocuments([`${dir}/a.txt`, `${dir}/b.txt`, `${dir}/empty.txt`], [DOCS[0], DOCS[1]]);
    await writeFiles(dir, { "lines.txt": "one\n\ntwo\r\n  \nthree" });
    await expectDocuments([`${dir}/lines.txt`], ["one", "two", "  ", "three"], {
      splitLines: true,
    });
  });
});

Deno.test("compressed text: .txt.gz, .txt.xz, .txt.zst", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": DOCS[1], "b.txt": DOCS[2], "c.txt": DOCS[0] });
    await run(dir, "gzip", "a.txt");
    await run(dir, "xz", "b.txt");
    await run(dir, "zstd", "-q", "--rm", "c.txt");
    await expectDocuments([`${dir}/a.txt.gz`, `${dir}/b.txt.xz`, `${dir}/c.txt.zst`], [
      DOCS[1],
      DOCS[2],
      DOCS[0],
    ]);
  });
});

Deno.test("jsonl, plain and compressed with gzip, xz and zstd", async () => {
  await withTempDir(async (dir) => {
    const lines = jsonl(DOCS) + "\n"; // a trailing blank line is allowed
    await writeFiles(dir, {
      "d.jsonl": lines,
      "g.jsonl": lines,
      "x.jsonl": lines,
      "z.jsonl": lines,
    });
    await run(dir, "gzip", "g.jsonl");
    await run(dir, "xz", "x.jsonl");
    await run(dir, "zstd", "-q", "--rm", "z.jsonl");
    for (const name of ["d.jsonl", "g.jsonl.gz", "x.jsonl.xz", "z.jsonl.zst"]) {
      await expectDocuments([`${dir}/${name}`], DOCS);
    }
  });
});

Deno.test("parquet: the text column, row group by row group, nulls and empty strings skipped", async () => {
  await withTempDir(async (dir) => {
    const rows = [...DOCS, null, "", "last"];
    await writeFiles(dir, { "train.parquet": parquet(rows, 2) });
    await expectDocuments([`${dir}/train.parquet`], [...DOCS, "last"]);
  });
});

Deno.test("tar, tar.gz, tgz, tar.xz, tar.zst: members in archive order, directories and hidden files skipped", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "src/b/2.txt": DOCS[1],
      "src/a.txt": DOCS[0],
      "src/b/.hidden.txt": "not a document",
      "src/b/.git/config.txt": "not a document either",
      "src/c.jsonl": jsonl(["from jsonl 1", "from jsonl 2"]),
      "src/d.parquet": parquet(["from parquet"]),
    });
    const members = ["a.txt", "b", "c.jsonl", "d.parquet"];
    const expected = [DOCS[0], DOCS[1], "from jsonl 1", "from jsonl 2", "from parquet"];
    await run(dir, "tar", "-cf", "plain.tar", "-C", "src", ...members);
    await run(dir, "tar", "-czf", "g.tar.gz", "-C", "src", ...members);
    await run(dir, "tar", "-czf", "g.tgz", "-C", "src", ...members);
    await run(dir, "tar", "-cJf", "x.tar.xz", "-C", "src", ...members);
    await run(dir, "tar", "--zstd", "-cf", "z.tar.zst", "-C", "src", ...members);
    for (const name of ["plain.tar", "g.tar.gz", "g.tgz", "x.tar.xz", "z.tar.zst"]) {
      await expectDocuments([`${dir}/${name}`], expected);
    }
  });
});

Deno.test("the original OpenWebText layout: a .tar.xz of .xz-compressed tars of .txt documents", async () => {
  await withTempDir(async (dir) => {
    // openwebtext/urlsf_subset00-1_data.xz holds 0001-a.txt, 0002-b.txt; subset00-2 holds one more.
    const subsets: Record<string, string[]> = {
      "urlsf_subset00-1_data": ["Web page one.\n", "Web page two, with ünïcödé.\n"],
      "urlsf_subset00-2_data": ["Web page three.\n"],
    };
    await Deno.mkdir(`${dir}/openwebtext`);
    for (const [subset, pages] of Object.entries(subsets)) {
      const names = pages.map((_, i) => `000${i + 1}-${subset.slice(-6, -5)}${i}.txt`);
      await writeFiles(
        `${dir}/${subset}`,
        Object.fromEntries(names.map((name, i) => [name, pages[i]])),
      );
      await run(`${dir}/${subset}`, "tar", "-cf", `${dir}/openwebtext/${subset}`, ...names);
      await run(`${dir}/openwebtext`, "xz", subset); // -> urlsf_subset00-1_data.xz
    }
    await run(dir, "tar", "--sort=name", "-cJf", "openwebtext.tar.xz", "openwebtext");
    const expected = Object.values(subsets).flat();
    await expectDocuments([`${dir}/openwebtext.tar.xz`], expected);
    // The same subsets read one by one (a glob over the unpacked folder), and line by line.
    await expectDocuments([`${dir}/openwebtext/*.xz`], expected);
    const lines = expected.map((page) => page.trimEnd());
    await expectDocuments([`${dir}/openwebtext.tar.xz`], lines, { splitLines: true });
    // A pass that hands the compressed members over whole, each read apart with readMember: the
    // same documents in the same order, and the pass counts none of them itself.
    const source = await readDocuments([`${dir}/openwebtext.tar.xz`]);
    const handed: string[] = [];
    const asked: [string, number][] = [];
    const delegate = (name: string, size: number) => {
      asked.push([name, size]);
      return isCompressedName(name);
    };
    for await (const item of source.items(delegate)) {
      assert(typeof item !== "string", "every member is compressed");
      assertEquals(item.label, `${dir}/openwebtext.tar.xz:${item.name}`);
      const stats = { documents: 0, inputBytes: 0, textBytes: 0, invalidUtf8: 0 };
      for await (const page of readMember(item, { stats, splitLines: false })) handed.push(page);
    }
    assertEquals(handed, expected);
    assertEquals(asked.map(([name]) => name), [
      "openwebtext/urlsf_subset00-1_data.xz",
      "openwebtext/urlsf_subset00-2_data.xz",
    ]);
    assertEquals(source.stats.documents, 0);
    assertEquals(source.stats.inputBytes, source.totalBytes);
  });
});

Deno.test("archives inside archives: jsonl.xz, txt.zst and a gzip tar inside a tar", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "in/x.jsonl": jsonl(["jx1", "jx2"]),
      "in/z.txt": "zstd text",
      "deep/deep.txt": "two levels down",
    });
    await run(`${dir}/in`, "xz", "x.jsonl");
    await run(`${dir}/in`, "zstd", "-q", "--rm", "z.txt");
    await run(dir, "tar", "-czf", "in/deep.tgz", "-C", "deep", "deep.txt");
    await run(dir, "tar", "-cf", "outer.tar", "-C", "in", "x.jsonl.xz", "z.txt.zst", "deep.tgz");
    await expectDocuments([`${dir}/outer.tar`], ["jx1", "jx2", "zstd text", "two levels down"]);
  });
});

Deno.test("directories and globs give their files sorted by path; inputs keep their order", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "corpus/b.txt": "b",
      "corpus/a.txt": "a",
      "corpus/sub/c.jsonl": jsonl(["c"]),
      "corpus/.git/ignored.txt": "hidden folder",
      "other/z.txt": "z",
    });
    await expectDocuments([`${dir}/other`, `${dir}/corpus`], ["z", "a", "b", "c"]);
    await expectDocuments([`${dir}/corpus/**/*.jsonl`, `${dir}/corpus/*.txt`], ["c", "a", "b"]);
    const source = await readDocuments([`${dir}/corpus/*.txt`, `${dir}/corpus/a.txt`]);
    assertEquals(source.inputs.map((input) => input.path), [
      `${dir}/corpus/a.txt`,
      `${dir}/corpus/b.txt`,
    ]);
    assertEquals(source.totalBytes, 2);
    assert(source.inputs.every((input) => typeof input.mtime === "string"));
  });
});

Deno.test("where the name is silent, the content decides: tar, gzip, zstd or plain text", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "src/page.txt": "in a tar", "notes": "plain text, no extension" });
    await run(dir, "tar", "-cf", "bundle", "-C", "src", "page.txt");
    await run(
      dir,
      "sh",
      "-c",
      "gzip -c bundle > bundle.gz && zstd -q -c bundle > packed && cp notes notes2",
    );
    await run(dir, "xz", "notes2");
    await expectDocuments(
      [`${dir}/bundle`, `${dir}/bundle.gz`, `${dir}/packed`, `${dir}/notes`, `${dir}/notes2.xz`],
      ["in a tar", "in a tar", "in a tar", "plain text, no extension", "plain text, no extension"],
    );
  });
});

/**
 * How many of this process's file descriptors point into `dir` (Linux), once in-flight reads settle: a
 * file closed while a read-ahead is pending is released when that read returns, a moment later.
 */
async function openFilesIn(dir: string): Promise<number> {
  let count = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    count = 0;
    for await (const entry of Deno.readDir("/proc/self/fd")) {
      const target = await Deno.readLink(`/proc/self/fd/${entry.name}`).catch(() => "");
      if (target.startsWith(dir)) count++;
    }
    if (count === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return count;
}

Deno.test({
  name: "stopping a pass early closes every file, and the next pass starts over",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTempDir(async (dir) => {
      const pages = ["one", "two", "three"];
      await writeFiles(`${dir}/in`, Object.fromEntries(pages.map((page, i) => [`${i}.txt`, page])));
      await run(`${dir}/in`, "tar", "-cJf", `${dir}/inner.tar.xz`, "0.txt", "1.txt", "2.txt");
      await run(dir, "tar", "-cJf", "outer.tar.xz", "inner.tar.xz");
      await writeFiles(dir, { "more.jsonl": jsonl(["four", "five"]) });
      const inputs = [`${dir}/outer.tar.xz`, `${dir}/more.jsonl`];
      const source = await readDocuments(inputs);
      for (const stopAfter of ["one", "four"]) {
        for await (const page of source) {
          if (page === stopAfter) break;
        }
        assertEquals(await openFilesIn(dir), 0, `files closed after stopping at "${stopAfter}"`);
      }
      assertEquals(await collect(source), [...pages, "four", "five"]);
      assertEquals(await openFilesIn(dir), 0);
    });
  },
});
