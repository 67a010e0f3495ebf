import { assert, assertEquals } from "./assert.ts";
import { hashDocument, splitOf } from "../pipeline/store/split_hash.ts";
import { seededRandom } from "./pipeline_store_fixtures.ts";

/** The rule written out the slow way, over TextEncoder's bytes. */
function referenceHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

function randomText(random: () => number): string {
  const pieces = ["a", "é", "中", "😀", "\u0301", "\r\n", " ", "\ud800", "\udc00", "z9"];
  let text = "";
  const length = Math.floor(random() * 30);
  for (let i = 0; i < length; i++) {
    text += random() < 0.5
      ? pieces[Math.floor(random() * pieces.length)]
      : String.fromCharCode(Math.floor(random() * 0x10000));
  }
  return text;
}

Deno.test("hashDocument: UTF-8 length and hash equal TextEncoder's bytes, lone surrogates included", () => {
  const random = seededRandom(42);
  for (let i = 0; i < 3000; i++) {
    const text = randomText(random);
    const { utf8Bytes, hash } = hashDocument(text);
    assertEquals(utf8Bytes, new TextEncoder().encode(text).length, JSON.stringify(text));
    assertEquals(hash, referenceHash(text), JSON.stringify(text));
  }
});

Deno.test("hashDocument: Python computes the same hashes from the documented rule", async () => {
  const texts = ["", "hello", "naïve café", "中文字符", "emoji 😀👍🏽", "e\u0301", "line\r\nbreak"];
  const script = `
import json, sys
def h(text):
    x = 0x811c9dc5
    for b in text.encode("utf-8"):
        x = ((x ^ b) * 0x01000193) & 0xffffffff
    x ^= x >> 16; x = (x * 0x85ebca6b) & 0xffffffff
    x ^= x >> 13; x = (x * 0xc2b2ae35) & 0xffffffff
    return x ^ (x >> 16)
print(json.dumps([h(t) for t in json.load(sys.stdin)]))`;
  const child = new Deno.Command("python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(texts)));
  await writer.close();
  const output = await child.output();
  assert(output.success, "python3 failed");
  assertEquals(
    JSON.parse(new TextDecoder().decode(output.stdout)),
    texts.map((t) => hashDocument(t).hash),
  );
});

Deno.test("splitOf: about val_fraction of distinct documents go to val, the same ones every time", () => {
  const count = 40_000;
  let val = 0;
  for (let i = 0; i < count; i++) {
    const { hash } = hashDocument(`document number ${i}`);
    if (splitOf(hash, 0.05) === "val") val++;
    assertEquals(splitOf(hash, 0.05), splitOf(hashDocument(`document number ${i}`).hash, 0.05));
  }
  // Binomial(40000, 0.05): standard deviation 44; 5 sigma either side.
  assert(Math.abs(val - 2000) < 220, `val share ${val} / ${count}`);
  assertEquals(splitOf(hashDocument("x").hash, 0), "train");
  assertEquals(splitOf(hashDocument("x").hash, 1), "val");
});
