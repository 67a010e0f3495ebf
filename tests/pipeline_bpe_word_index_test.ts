/**
 * WordIndex, the words-from-text-ranges hash set behind the word counts and the encoder's cache,
 * against a plain Map on random words (through several rehashes), long words and clear().
 */
import { WordIndex } from "../pipeline/bpe/_word_index.ts";
import { utf8Length, WordCounter } from "../pipeline/bpe/_word_counter.ts";
import { preTokenize } from "../pipeline/bpe/_pretokenize.ts";
import { assertEquals } from "./assert.ts";
import { randomText, seededRandom } from "./pipeline_bpe_fixtures.ts";

Deno.test("WordIndex numbers words like a Map would, through rehashes", () => {
  const random = seededRandom(41);
  const index = new WordIndex(4);
  const reference = new Map<string, number>();
  for (let k = 0; k < 20000; k++) {
    // Often-repeated short words and a long tail, embedded in a larger text at a random offset.
    const word = random() < 0.5
      ? String(Math.floor(random() * 300))
      : randomText(random, 1 + Math.floor(random() * 12));
    const before = randomText(random, 3);
    const text = before + word + "!";
    const from = before.length, to = from + word.length;
    let entry = index.find(text, from, to);
    if (entry === -1) entry = index.add(text, from, to);
    if (!reference.has(word)) reference.set(word, reference.size);
    assertEquals(entry, reference.get(word), JSON.stringify(word));
  }
  assertEquals(index.size, reference.size);
  for (const [word, entry] of reference) assertEquals(index.word(entry), word);
  index.clear();
  assertEquals([index.size, index.find("abc", 0, 3)], [0, -1]);
  assertEquals(index.add("abc", 0, 3), 0);
  assertEquals(index.word(0), "abc");
});

Deno.test("WordIndex keeps words longer than its first arena, and the empty word", () => {
  const index = new WordIndex();
  const long = "x".repeat(100_000) + "😀";
  index.find(long, 0, long.length);
  assertEquals(index.add(long, 0, long.length), 0);
  assertEquals(index.find(long, 0, long.length), 0);
  assertEquals(index.word(0), long);
  index.find("", 0, 0);
  assertEquals(index.add("", 0, 0), 1);
  assertEquals(index.find("abc", 1, 1), 1);
});

Deno.test("WordCounter counts pre-tokenized words (special tokens excluded), absorbs, prunes the rarest", () => {
  const docs = ["the cat and the hat", "the<|endoftext|>cat", "naïve 😀 \ud800!"];
  const counter = new WordCounter(1000, ["<|endoftext|>"]);
  docs.forEach((doc) => counter.add(doc));
  const expected = new Map<string, number>();
  for (const doc of docs) {
    for (const piece of doc.split("<|endoftext|>")) {
      for (const word of preTokenize(piece)) expected.set(word, (expected.get(word) ?? 0) + 1);
    }
  }
  const counted = new Map(
    Array.from(
      { length: counter.words.size },
      (_, e) => [counter.words.word(e), counter.counts[e]],
    ),
  );
  assertEquals(counted, expected);
  assertEquals(utf8Length(docs.join("")), new TextEncoder().encode(docs.join("")).length);

  // Absorbing a counter's export adds its counts.
  const twice = new WordCounter(1000, ["<|endoftext|>"]);
  twice.absorb(counter.export());
  twice.absorb(counter.export());
  const doubled = new Map(
    Array.from({ length: twice.words.size }, (_, e) => [twice.words.word(e), twice.counts[e]]),
  );
  assertEquals(doubled, new Map([...expected].map(([word, count]) => [word, 2 * count])));

  const small = new WordCounter(8, []);
  for (const doc of ["x x x y y", "a b c d e f g h i j"]) small.add(doc);
  // 13 distinct words > 8: every word seen once goes ("x" too), which leaves 2 <= 3/4 of 8.
  const kept = Array.from({ length: small.words.size }, (_, e) => small.words.word(e));
  assertEquals(kept, [" x", " y"]);
  assertEquals([small.prunedWords, small.prunedOccurrences], [11, 11]);
});
