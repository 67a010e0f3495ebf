import { assert, assertEquals, assertRejects } from "./assert.ts";
import { readDocuments } from "../pipeline/sources/mod.ts";
import { UserError } from "../core/user_error.ts";
import {
  collect,
  jsonl,
  parquet,
  randomText,
  run,
  withTempDir,
  writeFiles,
} from "./pipeline_sources_fixtures.ts";

/** Reading `inputs` fails with a one-line UserError that starts with `prefix` and includes `reason`. */
async function expectUserError(inputs: string[], prefix: string, reason: string) {
  const error = await assertRejects(
    async () => await collect(await readDocuments(inputs)),
    UserError,
  );
  assert(
    error.message.startsWith(prefix),
    `${JSON.stringify(error.message)} should start with ${prefix}`,
  );
  assert(
    error.message.includes(reason),
    `${JSON.stringify(error.message)} should include ${reason}`,
  );
  assert(!error.message.includes("\n"), "one line");
}

/** Keeps the first `fraction` of a file's bytes. */
async function truncate(path: string, fraction: number) {
  const bytes = await Deno.readFile(path);
  await Deno.writeFile(path, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** Flips the bits of a run of bytes in the middle of a file. */
async function corrupt(path: string, at = 0.5) {
  const bytes = await Deno.readFile(path);
  const start = Math.floor(bytes.length * at);
  for (let i = start; i < start + 16 && i < bytes.length; i++) bytes[i] ^= 0xff;
  await Deno.writeFile(path, bytes);
}

Deno.test("a missing path, or a glob or directory with no file, is named", async () => {
  await withTempDir(async (dir) => {
    await expectUserError([`${dir}/nope.jsonl`], `input not found: ${dir}/nope.jsonl`, "");
    await expectUserError([`${dir}/*.jsonl`], `input ${dir}/*.jsonl`, "matches no file");
    await Deno.mkdir(`${dir}/empty`);
    await expectUserError([`${dir}/empty`], `input ${dir}/empty`, "holds no file");
  });
});

Deno.test({
  name: "an unreadable file is named",
  ignore: Deno.uid() === 0, // root reads any file
  fn: async () => {
    await withTempDir(async (dir) => {
      await writeFiles(dir, { "secret.txt": "x" });
      await Deno.chmod(`${dir}/secret.txt`, 0o000);
      await expectUserError(
        [`${dir}/secret.txt`],
        `${dir}/secret.txt: cannot open`,
        "permission denied",
      );
    });
  },
});

Deno.test("truncated and corrupt gzip, xz and zstd streams are named", async () => {
  await withTempDir(async (dir) => {
    const text = randomText(7, 200_000);
    for (const [tool, suffix] of [["gzip", "gz"], ["xz", "xz"], ["zstd", "zst"]]) {
      for (const damage of ["truncated", "corrupt"]) {
        const name = `${damage}-${tool}.jsonl`;
        await writeFiles(dir, { [name]: jsonl([text, text]) });
        await run(dir, tool, ...(tool === "zstd" ? ["-q", "--rm"] : []), name);
        const path = `${dir}/${name}.${suffix}`;
        if (damage === "truncated") await truncate(path, 0.6);
        else await corrupt(path);
        await expectUserError([path], `${path}: `, tool === "zstd" ? "zstd" : tool);
      }
    }
  });
});

Deno.test("concatenated gzip members are refused with a message that says so", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.jsonl": jsonl(["one"]), "b.jsonl": jsonl(["two"]) });
    await run(dir, "gzip", "a.jsonl", "b.jsonl");
    const joined = [
      ...await Deno.readFile(`${dir}/a.jsonl.gz`),
      ...await Deno.readFile(`${dir}/b.jsonl.gz`),
    ];
    await Deno.writeFile(`${dir}/joined.jsonl.gz`, new Uint8Array(joined));
    await expectUserError(
      [`${dir}/joined.jsonl.gz`],
      `${dir}/joined.jsonl.gz: data after the end`,
      "concatenated",
    );
  });
});

Deno.test("a bad tar header checksum and a truncated tar name the archive and the member", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "src/a.txt": randomText(1, 3000), "src/b.txt": randomText(2, 3000) });
    await run(dir, "tar", "-cf", "bad.tar", "-C", "src", "a.txt", "b.txt");
    const bytes = await Deno.readFile(`${dir}/bad.tar`);
    const firstSize = (await Deno.stat(`${dir}/src/a.txt`)).size;
    const second = 512 + Math.ceil(firstSize / 512) * 512; // where b.txt's header starts
    bytes[second + 1] ^= 0x01; // a changed name byte no longer matches the checksum
    await Deno.writeFile(`${dir}/bad.tar`, bytes);
    await expectUserError(
      [`${dir}/bad.tar`],
      `${dir}/bad.tar: corrupt tar header at byte ${second}`,
      "checksum",
    );
    await run(dir, "tar", "-cf", "cut.tar", "-C", "src", "a.txt", "b.txt");
    const whole = await Deno.readFile(`${dir}/cut.tar`);
    await Deno.writeFile(`${dir}/cut.tar`, whole.subarray(0, 512 + 1000)); // inside a.txt's body
    await expectUserError([`${dir}/cut.tar`], `${dir}/cut.tar:a.txt: truncated tar archive`, "");
  });
});

Deno.test("in the OpenWebText layout, a fault is pinned on the right level", async () => {
  await withTempDir(async (dir) => {
    const member = "openwebtext/urlsf_subset00-1_data.xz";
    const build = async (damage: (innerXz: string) => Promise<void>) => {
      await writeFiles(`${dir}/docs`, {
        "0001-a.txt": randomText(3, 50_000),
        "0002-b.txt": randomText(4, 50_000),
      });
      await Deno.mkdir(`${dir}/openwebtext`, { recursive: true });
      await run(
        `${dir}/docs`,
        "tar",
        "-cf",
        `${dir}/openwebtext/urlsf_subset00-1_data`,
        "0001-a.txt",
        "0002-b.txt",
      );
      await run(`${dir}/openwebtext`, "xz", "-f", "urlsf_subset00-1_data");
      await damage(`${dir}/${member}`);
      await run(dir, "tar", "-cJf", "owt.tar.xz", member);
      return `${dir}/owt.tar.xz`;
    };
    // The inner xz is cut short: the outer archive is fine, the member is named.
    let path = await build((inner) => truncate(inner, 0.5));
    await expectUserError([path], `${path}:${member}: truncated xz stream`, "");
    // The inner xz is intact but the outer one is cut: only the outer file is named.
    path = await build(async () => {});
    await truncate(path, 0.5);
    await expectUserError([path], `${path}: truncated xz stream`, "");
  });
});

Deno.test("a jsonl line that is not JSON or has no string text is named with its line number", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "syntax.jsonl": '{"text": "ok"}\n\n{"text": "broken\n',
      "missing.jsonl": '{"text": "ok"}\n{"body": "no text"}\n',
      "number.jsonl": '{"text": 5}\n',
      "array.jsonl": '["text"]\n',
    });
    await expectUserError(
      [`${dir}/syntax.jsonl`],
      `${dir}/syntax.jsonl: line 3: not valid JSON`,
      "",
    );
    await expectUserError(
      [`${dir}/missing.jsonl`],
      `${dir}/missing.jsonl: line 2: no string field "text"`,
      "",
    );
    await expectUserError(
      [`${dir}/number.jsonl`],
      `${dir}/number.jsonl: line 1: no string field "text"`,
      "",
    );
    await expectUserError(
      [`${dir}/array.jsonl`],
      `${dir}/array.jsonl: line 1: no string field "text"`,
      "",
    );
    // Inside a compressed tar the member is named too.
    await run(dir, "tar", "-czf", "t.tgz", "missing.jsonl");
    await expectUserError([`${dir}/t.tgz`], `${dir}/t.tgz:missing.jsonl: line 2`, "");
  });
});

Deno.test("a bad parquet file, a truncated one, or one without a text column is named", async () => {
  await withTempDir(async (dir) => {
    const good = parquet(["a", "b", "c"]);
    await writeFiles(dir, {
      "garbage.parquet": "this is not parquet at all",
      "cut.parquet": good.subarray(0, good.length - 20),
      "nocolumn.parquet": parquet(["a"], 2, "body"),
    });
    await expectUserError(
      [`${dir}/garbage.parquet`],
      `${dir}/garbage.parquet: not a valid parquet file`,
      "",
    );
    await expectUserError(
      [`${dir}/cut.parquet`],
      `${dir}/cut.parquet: not a valid parquet file`,
      "",
    );
    await expectUserError(
      [`${dir}/nocolumn.parquet`],
      `${dir}/nocolumn.parquet: no "text" column`,
      "id, body",
    );
    await run(dir, "tar", "-cf", "p.tar", "nocolumn.parquet");
    await expectUserError([`${dir}/p.tar`], `${dir}/p.tar:nocolumn.parquet: no "text" column`, "");
  });
});

Deno.test("an empty corpus is no error, and shows as zero documents", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "empty.jsonl": "\n\n", "blank.txt": "" });
    const source = await readDocuments([`${dir}/empty.jsonl`, `${dir}/blank.txt`]);
    assertEquals(await collect(source), []);
    assertEquals(source.stats.documents, 0);
  });
});
