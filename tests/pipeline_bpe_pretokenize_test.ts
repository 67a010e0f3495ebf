/**
 * The pre-tokenizer and the byte mapping against Hugging Face's ByteLevel pre-tokenizer (the
 * `tokenizers` package): the same words for random Unicode, the corpus and the hard strings.
 */
import { byteLevelAlphabet, byteLevelPreTokenizer } from "tokenizers";
import { BYTE_TO_CHAR, charToByte, utf8Encode } from "../pipeline/bpe/_byte_level.ts";
import { preTokenize } from "../pipeline/bpe/_pretokenize.ts";
import { assertEquals } from "./assert.ts";
import {
  corpusSentences,
  HARD_STRINGS,
  randomText,
  seededRandom,
} from "./pipeline_bpe_fixtures.ts";

const huggingFace = byteLevelPreTokenizer(false, true);
const encoder = new TextEncoder();
const toByteLevel = (word: string) =>
  Array.from(encoder.encode(word), (b) => BYTE_TO_CHAR[b]).join("");
const ours = (text: string) => preTokenize(text).map(toByteLevel);
const theirs = (text: string) => huggingFace.preTokenizeString(text).map(([word]) => word);

Deno.test("byte map: 256 distinct printable stand-ins, the same alphabet as Hugging Face's", () => {
  assertEquals(new Set(BYTE_TO_CHAR).size, 256);
  assertEquals([...BYTE_TO_CHAR].sort(), [...byteLevelAlphabet()].sort());
  assertEquals(BYTE_TO_CHAR[0x20], "Ġ");
  assertEquals(BYTE_TO_CHAR[0x0a], "Ċ");
  for (let byte = 0; byte < 256; byte++) {
    assertEquals(charToByte(BYTE_TO_CHAR[byte].charCodeAt(0)), byte);
  }
  assertEquals(charToByte("€".charCodeAt(0)), -1);
});

Deno.test("utf8Encode matches TextEncoder, lone surrogates included", () => {
  const random = seededRandom(7);
  const out = new Uint8Array(4096);
  const texts = [...HARD_STRINGS, "\ud800", "a\udc00b", "\ud83d", "x\ud83d\ude00\ud83d"];
  for (let k = 0; k < 200; k++) texts.push(randomText(random, 40));
  for (const text of texts) {
    const n = utf8Encode(text, 0, text.length, out);
    assertEquals(
      Array.from(out.subarray(0, n)),
      Array.from(encoder.encode(text)),
      JSON.stringify(text),
    );
  }
});

Deno.test("pre-tokenizer: same words as Hugging Face on hard strings and the corpus", () => {
  for (const text of [...HARD_STRINGS, ...corpusSentences(3000)]) {
    assertEquals(ours(text), theirs(text), JSON.stringify(text));
  }
});

Deno.test("pre-tokenizer: same words as Hugging Face on random Unicode (property)", () => {
  const random = seededRandom(2024);
  for (let k = 0; k < 3000; k++) {
    const text = randomText(random, 1 + Math.floor(random() * 30));
    assertEquals(ours(text), theirs(text), JSON.stringify(text));
  }
});

Deno.test("pre-tokenizer: words cover the text exactly, contractions and spaces as GPT-2 splits them", () => {
  assertEquals(preTokenize("it's  here"), ["it", "'s", " ", " here"]);
  assertEquals(preTokenize("I'LL go\n\n  now  "), ["I", "'", "LL", " go", "\n\n ", " now", "  "]);
  assertEquals(preTokenize("x\u0085y\ufeffz"), ["x", "\u0085", "y", "\ufeff", "z"]);
  const random = seededRandom(3);
  for (let k = 0; k < 200; k++) {
    const text = randomText(random, 50);
    assertEquals(preTokenize(text).join(""), text);
  }
});
