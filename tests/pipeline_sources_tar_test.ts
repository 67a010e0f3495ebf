import { assert, assertEquals } from "./assert.ts";
import { looksLikeTar, readTar } from "../pipeline/sources/_tar_reader.ts";
import { readDocuments } from "../pipeline/sources/mod.ts";
import { randomText, run, withTempDir, writeFiles } from "./pipeline_sources_fixtures.ts";

/** A stream of `bytes` in chunks of `size`, counting how many bytes were handed out. */
function chunked(bytes: Uint8Array, size: number) {
  const state = { delivered: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.delivered >= bytes.length) return controller.close();
      const chunk = bytes.slice(state.delivered, state.delivered + size);
      state.delivered += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

async function members(bytes: Uint8Array, chunkSize: number): Promise<[string, string][]> {
  const found: [string, string][] = [];
  for await (const member of readTar(chunked(bytes, chunkSize).stream, "t.tar")) {
    found.push([member.name, await new Response(member.body).text()]);
  }
  return found;
}

Deno.test("GNU long names, pax headers and ustar prefixes give the full member names", async () => {
  await withTempDir(async (dir) => {
    const longDir = `${"deep-folder-name/".repeat(8)}`; // 136 characters: beyond the 100-byte name field
    const files = {
      [`${longDir}${"long-file-name-".repeat(8)}.txt`]: "long name",
      "ünïcödé-名前.txt": "unicode name",
      "short.txt": "short",
    };
    await writeFiles(`${dir}/src`, files);
    const names = Object.keys(files);
    const expected = names.map((name) => [name, files[name]] as [string, string]);
    for (const format of ["gnu", "pax", "ustar"]) {
      // ustar cannot hold a file name over 100 bytes, only a long folder (its prefix field).
      const list = format === "ustar" ? [names[1], names[2]] : names;
      if (format === "ustar") {
        await writeFiles(`${dir}/src`, { [`${longDir}short.txt`]: "prefixed" });
      }
      const all = format === "ustar" ? [...list, `${longDir}short.txt`] : list;
      await run(dir, "tar", `--format=${format}`, "-cf", `${format}.tar`, "-C", "src", ...all);
      const bytes = await Deno.readFile(`${dir}/${format}.tar`);
      const want = format === "ustar"
        ? [...expected.slice(1), [`${longDir}short.txt`, "prefixed"] as [string, string]]
        : expected;
      for (const chunkSize of [bytes.length, 512, 7]) {
        assertEquals(await members(bytes, chunkSize), want, `${format}, chunks of ${chunkSize}`);
      }
    }
  });
});

Deno.test("a member larger than a chunk is streamed: its first bytes arrive before the archive is read", async () => {
  await withTempDir(async (dir) => {
    const big = randomText(9, 3_000_000);
    await writeFiles(`${dir}/src`, { "big.txt": big, "after.txt": "after" });
    await run(dir, "tar", "-cf", "big.tar", "-C", "src", "big.txt", "after.txt");
    const bytes = await Deno.readFile(`${dir}/big.tar`);
    const { stream, state } = chunked(bytes, 64 * 1024);
    const tar = readTar(stream, "big.tar");
    const first = (await tar.next()).value!;
    const reader = first.body.getReader();
    const firstChunk = (await reader.read()).value!;
    assert(firstChunk.length <= 64 * 1024, "a member's bytes come a chunk at a time");
    assert(
      state.delivered <= 2 * 64 * 1024,
      `only ${state.delivered} bytes read for the first chunk`,
    );
    let length = firstChunk.length;
    let chunks = 1;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      length += r.value.length;
      chunks++;
    }
    assertEquals(length, first.size);
    assert(chunks > 40, `${chunks} chunks`);
    const second = (await tar.next()).value!;
    assertEquals([second.name, await new Response(second.body).text()], ["after.txt", "after"]);
    assert((await tar.next()).done);
  });
});

Deno.test("documents stream out of a large compressed archive before it is read whole", async () => {
  await withTempDir(async (dir) => {
    // Incompressible-ish documents, so the .tar.xz is several of the reader's 1 MB chunks.
    let state = 12345;
    const randomByte = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    };
    const documents = Array.from({ length: 40 }, (_, i) => {
      const bytes = Uint8Array.from({ length: 60_000 }, randomByte);
      return `${i}: ${btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""))}`;
    });
    await writeFiles(
      `${dir}/src`,
      Object.fromEntries(documents.map((d, i) => [`${String(i).padStart(3, "0")}.txt`, d])),
    );
    const names = documents.map((_, i) => `${String(i).padStart(3, "0")}.txt`);
    await run(dir, "tar", "-cf", "big.tar", "-C", "src", ...names);
    await run(dir, "xz", "-0", "big.tar"); // fast; random text barely compresses anyway
    const source = await readDocuments([`${dir}/big.tar.xz`]);
    assert(source.totalBytes > 2_000_000, `${source.totalBytes} bytes`);
    let firstSeenAt = -1;
    const read: string[] = [];
    for await (const document of source) {
      if (firstSeenAt < 0) firstSeenAt = source.stats.inputBytes;
      read.push(document);
    }
    assert(firstSeenAt <= 1 << 20, `the first document came after ${firstSeenAt} input bytes`);
    assertEquals(read, documents);
    assertEquals(source.stats.inputBytes, source.totalBytes);
  });
});

Deno.test("looksLikeTar tells a tar header from text and from zeros", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": "x" });
    await run(dir, "tar", "-cf", "a.tar", "a.txt");
    const header = (await Deno.readFile(`${dir}/a.tar`)).subarray(0, 512);
    assert(looksLikeTar(header));
    assert(!looksLikeTar(new TextEncoder().encode("plain text ".repeat(60)).subarray(0, 512)));
    assert(!looksLikeTar(new Uint8Array(512)));
    assert(!looksLikeTar(header.subarray(0, 100)));
  });
});
