import { assertEquals } from "./assert.ts";
import { parquetWriteBuffer } from "hyparquet-writer";
import { decodeUtf8, toWellFormed, utf8Length } from "../pipeline/sources/_utf8.ts";
import { lineBatches } from "../pipeline/sources/_lines.ts";
import { readDocuments } from "../pipeline/sources/mod.ts";
import type { ReadStats } from "../pipeline/sources/mod.ts";
import { collect, run, withTempDir, writeFiles } from "./pipeline_sources_fixtures.ts";

const stats = (): ReadStats => ({ documents: 0, inputBytes: 0, textBytes: 0, invalidUtf8: 0 });

/** A seeded generator of random strings over ASCII, 2-, 3- and 4-byte characters and line breaks. */
function randomStrings(seed: number) {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const pool = ["a", "Z", " ", "\n", "\r\n", "é", "ß", "€", "日", "\uFFFD", "🙂", "𝄞", "\u0301"];
  return (length: number) => Array.from({ length }, () => pool[next(pool.length)]).join("");
}

Deno.test("invalid UTF-8 is replaced with U+FFFD and counted; a genuine U+FFFD is not counted", () => {
  const counters = stats();
  // a, a lone continuation byte, b, a truncated 3-byte sequence, c, an overlong "/", then a real U+FFFD.
  const bytes = new Uint8Array([0x61, 0x80, 0x62, 0xe2, 0x82, 0x63, 0xc0, 0xaf, 0xef, 0xbf, 0xbd]);
  assertEquals(decodeUtf8(bytes, counters), "a\uFFFDb\uFFFDc\uFFFD\uFFFD\uFFFD");
  assertEquals(counters.invalidUtf8, 4);
  assertEquals(decodeUtf8(new TextEncoder().encode("ok \uFFFD"), counters), "ok \uFFFD");
  assertEquals(counters.invalidUtf8, 4);
});

Deno.test("lone surrogates (from JSON escapes) are replaced and counted", () => {
  const counters = stats();
  assertEquals(toWellFormed("a\uD800b\uDFFF", counters), "a\uFFFDb\uFFFD");
  assertEquals(counters.invalidUtf8, 2);
  assertEquals(toWellFormed("🙂", counters), "🙂");
  assertEquals(counters.invalidUtf8, 2);
});

Deno.test("utf8Length equals TextEncoder's length on random strings", () => {
  const random = randomStrings(1);
  for (let i = 0; i < 200; i++) {
    const text = random(i);
    assertEquals(utf8Length(text), new TextEncoder().encode(text).length, JSON.stringify(text));
  }
});

Deno.test("lineBatches gives the same lines however the bytes are cut into chunks", async () => {
  const random = randomStrings(2);
  for (let trial = 0; trial < 50; trial++) {
    const text = random(trial * 7);
    const bytes = new TextEncoder().encode(text);
    const expected = text === "" ? [] : text.split("\n").map((line) => line.replace(/\r$/, ""));
    if (text.endsWith("\n")) expected.pop(); // a final "\n" ends the last line; it starts no new one
    const chunkSize = 1 + (trial % 9);
    const stream = ReadableStream.from((function* () {
      for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.slice(at, at + chunkSize);
    })());
    const lines: string[] = [];
    for await (const batch of lineBatches(stream)) {
      for (const line of batch) lines.push(new TextDecoder().decode(line));
    }
    assertEquals(lines, expected, `trial ${trial}, chunks of ${chunkSize}`);
  }
});

Deno.test("a source counts invalid bytes in every format, and text bytes after replacement", async () => {
  await withTempDir(async (dir) => {
    const bad = new Uint8Array([0x68, 0x69, 0xff, 0xfe, 0x21]); // "hi", two invalid bytes, "!"
    const line = new Uint8Array([
      ...new TextEncoder().encode('{"text": "x'),
      0xff,
      ...new TextEncoder().encode('"}\n'),
    ]);
    await writeFiles(dir, {
      "bad.txt": bad,
      "bad.jsonl": line,
      "escape.jsonl": '{"text": "y\\ud800"}\n',
    });
    await run(dir, "tar", "-cJf", "bad.tar.xz", "bad.txt", "bad.jsonl");
    for (
      const inputs of [[`${dir}/bad.txt`, `${dir}/bad.jsonl`, `${dir}/escape.jsonl`], [
        `${dir}/bad.tar.xz`,
        `${dir}/escape.jsonl`,
      ]]
    ) {
      const source = await readDocuments(inputs);
      assertEquals(await collect(source), ["hi\uFFFD\uFFFD!", "x\uFFFD", "y\uFFFD"]);
      assertEquals(source.stats.invalidUtf8, 4);
      assertEquals(source.stats.textBytes, 17); // U+FFFD is 3 bytes: 9 + 4 + 4
    }
  });
});

Deno.test("invalid UTF-8 in a parquet byte-array text column is replaced and counted", async () => {
  await withTempDir(async (dir) => {
    const values = [new Uint8Array([0x6f, 0x6b]), new Uint8Array([0x62, 0x61, 0x64, 0xc3])];
    const buffer = parquetWriteBuffer({
      columnData: [{ name: "text", data: values, type: "BYTE_ARRAY" }],
    });
    await Deno.writeFile(`${dir}/bin.parquet`, new Uint8Array(buffer));
    const source = await readDocuments([`${dir}/bin.parquet`]);
    assertEquals(await collect(source), ["ok", "bad\uFFFD"]);
    assertEquals(source.stats.invalidUtf8, 1);
  });
});
