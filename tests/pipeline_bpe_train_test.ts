/**
 * The BPE trainer: the incremental merge loop against a naive recount-everything trainer, the same
 * merges as Hugging Face's trainer on the same input, determinism, the maxWords cap, and the errors.
 */
import { BPE, byteLevelPreTokenizer, Tokenizer as HfTokenizer } from "tokenizers";
import { END_OF_TEXT, trainBpe } from "../pipeline/mod.ts";
import { UserError } from "../core/mod.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { corpusSentences, randomText, seededRandom } from "./pipeline_bpe_fixtures.ts";

const sentences = corpusSentences(4000);
const mergesOf = (json: string): string[] =>
  JSON.parse(json).model.merges.map((pair: string[]) => pair.join(" "));

// Plain BPE: recount every pair after every merge; ties go to the smaller (left id, right id).
function naiveMerges(
  words: Map<string, number>,
  tokens: string[],
  vocabSize: number,
  minFrequency: number,
) {
  const ids = new Map(tokens.map((token, id) => [token, id]));
  const encoder = new TextEncoder();
  const byteChar = (b: number) => tokens.find((t) => t.length === 1 && charByte(t) === b)!;
  const seqs = [...words].map(([word, count]) => ({
    symbols: Array.from(encoder.encode(word), (b) => ids.get(byteChar(b))!),
    count,
  }));
  const merges: string[] = [];
  while (tokens.length < vocabSize) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of seqs) {
      for (let k = 0; k + 1 < symbols.length; k++) {
        const key = `${symbols[k]},${symbols[k + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: number[] | undefined, bestCount = 0;
    for (const [key, count] of counts) {
      const pair = key.split(",").map(Number);
      if (
        count > bestCount ||
        (count === bestCount && best &&
          (pair[0] < best[0] || (pair[0] === best[0] && pair[1] < best[1])))
      ) [best, bestCount] = [pair, count];
    }
    if (!best || bestCount < minFrequency) break;
    const [a, b] = best;
    const token = tokens[a] + tokens[b];
    if (!ids.has(token)) {
      ids.set(token, tokens.length);
      tokens.push(token);
    }
    const c = ids.get(token)!;
    merges.push(`${tokens[a]} ${tokens[b]}`);
    for (const seq of seqs) {
      const out: number[] = [];
      for (let k = 0; k < seq.symbols.length; k++) {
        if (k + 1 < seq.symbols.length && seq.symbols[k] === a && seq.symbols[k + 1] === b) {
          out.push(c);
          k++;
        } else out.push(seq.symbols[k]);
      }
      seq.symbols = out;
    }
  }
  return merges;
}

// GPT-2 stand-in character -> byte (the inverse table of byte_level.ts, rebuilt independently).
function charByte(char: string): number {
  const code = char.charCodeAt(0);
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  if (code < 256 && printable(code)) return code;
  let n = 0x100;
  for (let b = 0; b < 256; b++) if (!printable(b) && n++ === code) return b;
  return -1;
}

Deno.test("the incremental merge loop learns exactly the merges of a naive recounting trainer", async () => {
  const random = seededRandom(17);
  for (let trial = 0; trial < 6; trial++) {
    // Few distinct letters and repeated words, so pairs overlap ("aaaa"), tie and re-form often.
    const alphabet = ["a", "b", "ab", " a", "é", "😀", " ", "ba"];
    const docs = Array.from({ length: 60 }, () => {
      let text = "";
      for (let k = 0; k < 20; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      return text;
    });
    docs.push(randomText(random, 30));
    const minFrequency = trial % 2;
    const tokenizer = await trainBpe(docs, { vocabSize: 400, minFrequency });
    const words = new Map<string, number>();
    const { preTokenize } = await import("../pipeline/bpe/_pretokenize.ts");
    for (const doc of docs) {
      for (const word of preTokenize(doc)) words.set(word, (words.get(word) ?? 0) + 1);
    }
    const initial = Array.from({ length: 257 }, (_, id) => tokenizer.token(id)!);
    assertEquals(mergesOf(tokenizer.toJson()), naiveMerges(words, initial, 400, minFrequency));
  }
});

Deno.test("the same merges as Hugging Face's BpeTrainer on the same input", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = sentences.join("\n") + "\n";
    await Deno.writeTextFile(`${dir}/corpus.txt`, text);
    const theirs = new HfTokenizer(BPE.empty());
    theirs.setPreTokenizer(byteLevelPreTokenizer(false, true));
    theirs.train([`${dir}/corpus.txt`]); // default trainer: vocab 30000, every pair down to count 1
    theirs.save(`${dir}/hf.json`);
    // Their file trainer reads lines with their "\n"; we read the same lines as documents.
    const ours = await trainBpe(text.split(/(?<=\n)/), {
      vocabSize: 30000,
      minFrequency: 0,
      specialTokens: [],
    });
    const theirMerges = mergesOf(await Deno.readTextFile(`${dir}/hf.json`));
    const ourMerges = mergesOf(ours.toJson());
    // Their alphabet holds only the bytes seen, ours all 256, so 30000 tokens leave them more merges.
    assert(ourMerges.length > 10000, `${ourMerges.length} merges`);
    assertEquals(ourMerges, theirMerges.slice(0, ourMerges.length));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("same input, byte-identical tokenizer.json (arrays and async streams alike)", async () => {
  async function* stream() {
    for (const sentence of sentences.slice(0, 2000)) yield sentence;
  }
  const first = await trainBpe(sentences.slice(0, 2000), { vocabSize: 1200 });
  const second = await trainBpe(stream(), { vocabSize: 1200 });
  assertEquals(second.toJson(), first.toJson());
  assertEquals(first.vocabSize, 1200);
  assertEquals(first.trainReport?.merges, 1200 - 257);
  assertEquals(first.trainReport?.documents, 2000);
  assertEquals(
    first.trainReport?.bytes,
    new TextEncoder().encode(sentences.slice(0, 2000).join("")).length,
  );
});

Deno.test("counting on 0, 1 or 3 workers gives the same tokenizer, pruning included", async () => {
  // 16 batches of 8192 sentences are counted in this thread, then workers take over: 20 batches
  // and more, so that every worker gets some and batches arrive out of order.
  // (Sentences cut after commas: 178k short documents.)
  const many = corpusSentences(100_000).flatMap((sentence) => sentence.split(/(?<=, )/));
  assert(many.length > 8192 * 20, `${many.length} documents`);
  const train = (countWorkers: number) =>
    trainBpe(many, { vocabSize: 400, maxWords: 30000, countWorkers });
  const local = await train(0);
  assert(local.trainReport!.prunedWords > 0, "the cap should have pruned");
  for (const workers of [1, 3]) assertEquals((await train(workers)).toJson(), local.toJson());
  assertEquals(local.trainReport!.documents, many.length);
});

Deno.test("ids: special tokens first, then the 256 bytes, then merges; specials never learned", async () => {
  const docs = sentences.slice(0, 500).map((s) => `${s}<|pad|>${END_OF_TEXT}`);
  const tokenizer = await trainBpe(docs, {
    vocabSize: 600,
    specialTokens: [END_OF_TEXT, "<|pad|>"],
  });
  const vocab = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.token(id)!);
  assertEquals(vocab.slice(0, 4), [END_OF_TEXT, "<|pad|>", "!", '"']);
  assertEquals(tokenizer.eotId, 0);
  assert(
    !vocab.slice(2).some((token) => token.includes("|>") || token.includes("endof")),
    "special token text was merged",
  );
  assertEquals(Array.from(tokenizer.encode("<|pad|>")), [1]);
});

Deno.test("maxWords prunes the rarest words and reports it; minFrequency stops merging", async () => {
  const capped = await trainBpe(sentences.slice(0, 3000), { vocabSize: 800, maxWords: 2000 });
  const report = capped.trainReport!;
  assert(report.prunedWords > 0, "nothing pruned");
  assert(report.distinctWords <= 2000, `${report.distinctWords} words kept`);
  const full = await trainBpe(sentences.slice(0, 3000), { vocabSize: 800 });
  assertEquals(full.trainReport!.prunedWords, 0);
  assert(full.trainReport!.distinctWords > report.distinctWords);
  // Every distinct word is either kept or counted as pruned (a word can be pruned more than once).
  assert(report.distinctWords + report.prunedWords >= full.trainReport!.distinctWords);
  // The most frequent words survive pruning, so the first merges agree.
  assertEquals(mergesOf(capped.toJson()).slice(0, 3), mergesOf(full.toJson()).slice(0, 3));

  const strict = await trainBpe(["ab ab ab ab", "cd"], { vocabSize: 1000, minFrequency: 3 });
  assertEquals(mergesOf(strict.toJson()), ["a b", "Ġ ab"]);
  assertEquals(strict.vocabSize, 259);
});

Deno.test("too small a vocabulary or an empty corpus is refused with the reason", async () => {
  const tooSmall = await assertRejects(
    () => trainBpe(["some text"], { vocabSize: 256 }),
    UserError,
  );
  assert(
    tooSmall.message.includes("at least 257") && tooSmall.message.includes("256 byte tokens"),
    tooSmall.message,
  );
  await assertRejects(() => trainBpe([], { vocabSize: 1000 }), UserError, "corpus is empty");
  await assertRejects(() => trainBpe(["", END_OF_TEXT], { vocabSize: 1000 }), UserError, "no text");
  const smallest = await trainBpe(["some text"], { vocabSize: 257 });
  assertEquals(smallest.vocabSize, 257);
  assertEquals(smallest.decode(smallest.encode("any text ✓")), "any text ✓");
});

Deno.test("progress is reported for both phases", async () => {
  const phases = new Set<string>();
  let lastMerges = 0;
  await trainBpe(sentences.slice(0, 2500), {
    vocabSize: 1500,
    onProgress: ({ phase, merges }) => {
      phases.add(phase);
      lastMerges = merges;
    },
  });
  assertEquals([...phases], ["count", "merge"]);
  assertEquals(lastMerges, 1500 - 257);
});
