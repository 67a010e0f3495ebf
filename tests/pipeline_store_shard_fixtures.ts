/** Inputs and readers of the sharding tests: JSONL files of different sizes, a tar of JSONL members. */
import { openStore, type Split } from "../pipeline/mod.ts";
import { seededRandom } from "./pipeline_store_fixtures.ts";

const WORDS = ("the of and a to in is was that for it with as on be at by this had not are but " +
  "from or have an they which one you were all her she there would their we him been has when")
  .split(" ");

/**
 * Writes `dir/in/`: six JSONL files of 3 to 120 documents and `archive.tar` holding nine JSONL
 * members of 2 to 60 documents (sorted first, so parts follow it), all documents distinct. Returns
 * `dir/in` and the number of documents.
 */
export async function writeShardInputs(dir: string): Promise<{ input: string; documents: number }> {
  const random = seededRandom(13);
  let serial = 0;
  const documents = (count: number) =>
    Array.from({ length: count }, () => {
      const words = Array.from(
        { length: 4 + Math.floor(random() * 60) },
        () => WORDS[Math.floor(random() * WORDS.length)],
      );
      return JSON.stringify({ text: `${serial++} ${words.join(" ")}` });
    }).join("\n") + "\n";
  const input = `${dir}/in`;
  const members = `${dir}/members`;
  await Deno.mkdir(input, { recursive: true });
  await Deno.mkdir(members, { recursive: true });
  for (const [k, count] of [7, 120, 30, 3, 75, 18].entries()) {
    await Deno.writeTextFile(`${input}/part-${k}.jsonl`, documents(count));
  }
  const names: string[] = [];
  for (const [k, count] of [2, 60, 11, 25, 40, 5, 33, 8, 19].entries()) {
    names.push(`member-${k}.jsonl`);
    await Deno.writeTextFile(`${members}/${names[k]}`, documents(count));
  }
  const tar = await new Deno.Command("tar", {
    args: ["-cf", `${input}/archive.tar`, "-C", members, ...names],
  }).output();
  if (!tar.success) throw new Error(new TextDecoder().decode(tar.stderr));
  return { input, documents: serial };
}

/**
 * The documents of each split of the store in `outDir`, as their token sequences (comma-joined,
 * end-of-text dropped), sorted: a multiset to compare stores with.
 */
export async function storeDocuments(outDir: string): Promise<Record<Split, string[]>> {
  const store = await openStore(outDir);
  const out: Record<Split, string[]> = { train: [], val: [] };
  for (const split of ["train", "val"] as const) {
    const tokens = store.tokens(split);
    if (tokens < 2) continue; // an empty split
    let current: number[] = [];
    for await (const all of store.iterate(split, tokens - 1)) {
      for (const id of all) {
        if (id !== store.eotId) current.push(id);
        else (out[split].push(current.join(",")), current = []);
      }
    }
    if (current.length || out[split].length !== store.documents(split)) {
      throw new Error(`${outDir}: ${split} does not split into its documents`);
    }
    out[split].sort();
  }
  return out;
}
