/**
 * Stores read as one, for the store-set and merge tests: three real stores of 1, 2 and 3 parts of
 * text (each store's lines built on its own word, so a window shows which store it came from),
 * encoded with one shared tokenizer.
 */
import { tokenizeCorpus, trainBpe } from "../pipeline/mod.ts";

/** The folders of a store set built by `writeStoreSet`. */
export interface StoreSetFixture {
  /** The shared tokenizer.json. */
  tokenizerPath: string;
  /** `DIR/shards/shard-0`, `-1`, `-2`: 1, 2 and 3 parts of text. */
  stores: string[];
  /** `DIR/shards/shard-*`. */
  glob: string;
}

const WORDS = ["apple", "river", "stone"];

/** The lines of store `index`: `parts` × 150 lines on its own word. */
function storeLines(index: number, parts: number): string[] {
  const word = WORDS[index];
  return Array.from(
    { length: parts * 150 },
    (_, i) => `${word} ${i} the ${word} saw ${(i * 7) % 13} ${word}s by the ${word} ${i % 5}`,
  );
}

/** A tokenizer of `vocabSize` trained on `lines`, saved as `path`. */
export async function saveTokenizer(path: string, lines: string[], vocabSize = 300) {
  await (await trainBpe(lines, { vocabSize })).save(path);
}

/** Writes the three stores under `dir` (a tokenizer trained on all their text). */
export async function writeStoreSet(dir: string): Promise<StoreSetFixture> {
  const lines = WORDS.map((_, index) => storeLines(index, index + 1));
  const tokenizerPath = `${dir}/tokenizer.json`;
  await saveTokenizer(tokenizerPath, lines.flat());
  const stores: string[] = [];
  for (const [index, text] of lines.entries()) {
    const input = `${dir}/text-${index}.txt`;
    await Deno.writeTextFile(input, text.join("\n"));
    const outDir = `${dir}/shards/shard-${index}`;
    await tokenizeCorpus({
      inputs: [input],
      splitLines: true,
      tokenizerPath,
      outDir,
      valFraction: 0.2,
      chunkTokens: 2048,
      workers: 1,
    });
    stores.push(outDir);
  }
  return { tokenizerPath, stores, glob: `${dir}/shards/shard-*` };
}

/** Rewrites attributes of a store's root `zarr.json` (to make an incomplete or odd store). */
export async function editStoreAttributes(
  store: string,
  edit: Record<string, unknown>,
): Promise<void> {
  const file = `${store}/tokens.zarr/zarr.json`;
  const metadata = JSON.parse(await Deno.readTextFile(file));
  Object.assign(metadata.attributes, edit);
  await Deno.writeTextFile(file, JSON.stringify(metadata));
}
