/**
 * The Tokenizer on its own: decode(encode(s)) === s for random Unicode, special tokens, the merge
 * order of long words, deterministic tokenizer.json, and the errors a bad file gives.
 */
import { END_OF_TEXT, Tokenizer, trainBpe } from "../pipeline/mod.ts";
import { UserError } from "../core/mod.ts";
import { mergeWord } from "../pipeline/bpe/_merge_word.ts";
import { PairTable } from "../pipeline/bpe/_pair_table.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import {
  corpusSentences,
  HARD_STRINGS,
  randomText,
  seededRandom,
} from "./pipeline_bpe_fixtures.ts";

const tokenizer = await trainBpe(corpusSentences(3000), { vocabSize: 1500 });

Deno.test("decode(encode(s)) === s for random Unicode text (property) and the hard strings", () => {
  const random = seededRandom(11);
  const texts = [...HARD_STRINGS];
  for (let k = 0; k < 2000; k++) texts.push(randomText(random, Math.floor(random() * 40)));
  for (const text of texts) {
    assertEquals(tokenizer.decode(tokenizer.encode(text)), text, JSON.stringify(text));
  }
});

Deno.test("lone surrogates encode as U+FFFD (as in Hugging Face): the only text that does not round-trip", () => {
  assertEquals(tokenizer.decode(tokenizer.encode("a\ud800b")), "a\ufffdb");
  assertEquals(tokenizer.encode("x\udc00"), tokenizer.encode("x\ufffd"));
});

Deno.test("merges compress: the corpus takes far fewer tokens than bytes", () => {
  const text = corpusSentences(3200).slice(3000).join(" ");
  const ids = tokenizer.encode(text);
  const bytes = new TextEncoder().encode(text).length;
  assert(ids.length < bytes / 2.5, `${ids.length} tokens for ${bytes} bytes`);
  assert(ids.every((id) => id < tokenizer.vocabSize && id !== tokenizer.eotId));
});

Deno.test("<|endoftext|> is id 0, matched inside text, never merged with its neighbours", () => {
  assertEquals(tokenizer.eotId, 0);
  assertEquals(tokenizer.token(0), END_OF_TEXT);
  const ids = Array.from(tokenizer.encode(`one${END_OF_TEXT}two`));
  assertEquals(ids, [...tokenizer.encode("one"), 0, ...tokenizer.encode("two")]);
  assertEquals(Array.from(tokenizer.encode(END_OF_TEXT + END_OF_TEXT)), [0, 0]);
  // A partial marker is ordinary text.
  assert(!tokenizer.encode("<|endoftext|").includes(0));
  assertEquals(tokenizer.decode([0]), END_OF_TEXT);
});

Deno.test("the word cache does not change results: twice, in another order, or emptied often", () => {
  const texts = corpusSentences(300);
  const fresh = Tokenizer.fromJson(tokenizer.toJson());
  const first = texts.map((text) => Array.from(fresh.encode(text)));
  const again = [...texts].reverse().map((text) => Array.from(tokenizer.encode(text))).reverse();
  assertEquals(again, first);
  // A 7-word cache is emptied every few words, and a word can be cached again right after.
  const tiny = new Tokenizer(tokenizer.definition, { cacheWords: 7 });
  assertEquals(texts.map((text) => Array.from(tiny.encode(text))), first);
  assertEquals(texts.map((text) => Array.from(tiny.encode(text))), first);
});

// The merge rule stated plainly: merge the lowest-ranked adjacent pair, leftmost first, until none.
function naiveMerge(symbols: number[], ranks: Map<string, number>, merged: number[]): number[] {
  const s = [...symbols];
  for (;;) {
    let best = -1, at = -1;
    for (let k = 0; k + 1 < s.length; k++) {
      const rank = ranks.get(`${s[k]},${s[k + 1]}`);
      if (rank !== undefined && (best === -1 || rank < best)) [best, at] = [rank, k];
    }
    if (at === -1) return s;
    s.splice(at, 2, merged[best]);
  }
}

Deno.test("mergeWord (short scan and long-word heap) follows the lowest-rank-leftmost rule", () => {
  const random = seededRandom(5);
  for (let trial = 0; trial < 40; trial++) {
    // Random merges over a 4-letter alphabet, each making a new symbol, as training does.
    const ranks = new Map<string, number>();
    const table = new PairTable();
    const merged: number[] = [];
    let next = 4;
    for (let rank = 0; rank < 30; rank++) {
      const a = Math.floor(random() * next), b = Math.floor(random() * next);
      if (ranks.has(`${a},${b}`)) continue;
      ranks.set(`${a},${b}`, merged.length);
      table.set(a, b, merged.length);
      merged.push(next++);
    }
    for (const length of [2, 7, 40, 49, 300]) {
      const word = Array.from({ length }, () => Math.floor(random() * 4));
      const symbols = Int32Array.from(word);
      const n = mergeWord(symbols, length, { ranks: table, mergedId: Int32Array.from(merged) });
      assertEquals(Array.from(symbols.subarray(0, n)), naiveMerge(word, ranks, merged));
    }
  }
});

Deno.test("toJson is deterministic and a save/load round trip keeps every id", async () => {
  const json = tokenizer.toJson();
  assertEquals(Tokenizer.fromJson(json).toJson(), json);
  const dir = await Deno.makeTempDir();
  try {
    await tokenizer.save(`${dir}/tokenizer.json`);
    assertEquals([...Deno.readDirSync(dir)].map((entry) => entry.name), ["tokenizer.json"]);
    const loaded = await Tokenizer.load(`${dir}/tokenizer.json`);
    assertEquals(loaded.vocabSize, tokenizer.vocabSize);
    for (const text of HARD_STRINGS) assertEquals(loaded.encode(text), tokenizer.encode(text));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing or bad tokenizer.json is a UserError naming the file and the problem", async () => {
  await assertRejects(
    () => Tokenizer.load("/nonexistent/tokenizer.json"),
    UserError,
    "/nonexistent/tokenizer.json",
  );
  const good = JSON.parse(tokenizer.toJson());
  // deno-lint-ignore no-explicit-any
  const bad = (change: (json: Record<string, any>) => void, message: string) => {
    const json = structuredClone(good);
    change(json);
    assertThrows(() => Tokenizer.fromJson(JSON.stringify(json), "my.json"), UserError, message);
  };
  assertThrows(
    () => Tokenizer.fromJson("{not json", "my.json"),
    UserError,
    "my.json: not valid JSON",
  );
  bad((json) => json.model.type = "WordPiece", 'model type "WordPiece" is not supported');
  bad((json) => delete json.model, 'no "model"');
  bad((json) => json.model.merges.push(["Ġthe", "zzz"]), '"zzz" is not in the vocab');
  bad((json) => json.model.merges[3] = ["a"], "merge 3");
  bad((json) => json.normalizer = { type: "NFC" }, "normalizer");
  bad((json) => json.pre_tokenizer = { type: "Whitespace" }, "pre_tokenizer");
  bad((json) => json.model.unk_token = "<unk>", "unk_token");
  bad((json) => json.added_tokens[0].lstrip = true, "lstrip");
  bad((json) => json.model.vocab["Ġthe"] = 5, "vocab id 5 is given to both");
  bad((json) => json.model.vocab["zzz"] = 1e12, 'vocab entry "zzz" has id');
  bad((json) => json.added_tokens[0].id = 7, "has the id 7 of vocab token");
});
