/**
 * `mergeStores`: several complete stores made one by a manifest (`OUT/stores.json`) that names
 * them, with their shared tokenizer copied beside it. No token is copied: the stores stay where
 * they are, and `openStore(OUT)` reads them as one.
 */
import { basename, dirname, join, relative, resolve } from "node:path";
import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { sha256Hex } from "../../core/sha256.ts";
import { TOOLKIT_VERSION } from "../../core/version.ts";
import { STORE_NAME, TOKENIZER_NAME } from "./_layout.ts";
import { MANIFEST_FORMAT, MANIFEST_NAME, type StoreManifest } from "./_manifest_file.ts";
import { openStore, type TokenStore } from "./reader.ts";
import type { Split } from "./split_hash.ts";
import type { SplitTotals, TokenDtype } from "./store_attributes.ts";

export { MANIFEST_NAME };

/** What `mergeStores` wrote. */
export interface MergeSummary {
  /** `OUT/stores.json`. */
  manifestPath: string;
  /** `OUT/tokenizer.json`, the stores' tokenizer. */
  tokenizerPath: string;
  /** Each store's folder and totals, in the manifest's order. */
  stores: { path: string; splits: Record<Split, SplitTotals> }[];
  /** The totals of all stores. */
  splits: Record<Split, SplitTotals>;
  vocabSize: number;
  dtype: TokenDtype;
}

/**
 * Writes `out/stores.json` naming `stores` (store folders, manifests or globs of them, in order;
 * the paths relative to `out`, so the folders can move together) and copies their tokenizer.json
 * to `out/tokenizer.json`. First checks, writing nothing on failure (a `UserError` in one line
 * naming the store): every store exists and is complete, all share dtype, vocabulary and tokenizer
 * (sha256), no store is named twice, and `out` is not a store.
 *
 * @example
 * ```ts
 * import { mergeStores, openStore, tokenizeCorpus, trainBpe } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * const lines = Array.from({ length: 200 }, (_, i) => `document number ${i} of the corpus`);
 * await (await trainBpe(lines, { vocabSize: 300 })).save(`${dir}/tokenizer.json`);
 * for (const part of [0, 1]) {
 *   await Deno.writeTextFile(`${dir}/part-${part}.txt`, lines.slice(part * 100, part * 100 + 100).join("\n"));
 *   const inputs = [`${dir}/part-${part}.txt`];
 *   const tokenizerPath = `${dir}/tokenizer.json`;
 *   await tokenizeCorpus({ inputs, splitLines: true, tokenizerPath, outDir: `${dir}/shard-${part}`, workers: 1 });
 * }
 * await mergeStores(`${dir}/merged`, [`${dir}/shard-*`]); // writes merged/stores.json
 * const store = await openStore(`${dir}/merged`); // both shards as one
 * console.assert(store.stores?.length === 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mergeStores(out: string, stores: readonly string[]): Promise<MergeSummary> {
  if (stores.length === 0) throw new UserError(`--merge ${out}: name the stores to merge`);
  const set = await openStore(stores, { cacheBytes: 0 });
  const members: readonly TokenStore[] = set.stores ?? [set];
  const folders = members.map((store) =>
    basename(store.path) === STORE_NAME ? dirname(store.path) : store.path
  );
  await refuseStoreFolder(out);
  const tokenizer = await tokenizerBeside(folders[0], members[0]);
  const tokenizerPath = join(out, TOKENIZER_NAME);
  const existing = await Deno.readFile(tokenizerPath).catch(() => null);
  if (existing && await sha256Hex(existing) !== tokenizer.sha256) {
    throw new UserError(`${tokenizerPath}: differs from the stores' tokenizer ${tokenizer.path}`);
  }
  const totals = (store: TokenStore): Record<Split, SplitTotals> => ({
    train: {
      tokens: store.tokens("train"),
      documents: store.documents("train"),
      bytes: store.bytes("train"),
    },
    val: {
      tokens: store.tokens("val"),
      documents: store.documents("val"),
      bytes: store.bytes("val"),
    },
  });
  const manifest: StoreManifest = {
    format: MANIFEST_FORMAT,
    stores: folders.map((folder) => relative(resolve(out), resolve(folder)) || "."),
    tokenizer_sha256: tokenizer.sha256,
    vocab_size: set.vocabSize,
    dtype: set.attributes.dtype as TokenDtype,
    splits: totals(set),
    toolkit_version: TOOLKIT_VERSION,
    created_at: new Date().toISOString(),
  };
  if (!existing) await writeFileAtomic(tokenizerPath, tokenizer.bytes);
  const manifestPath = join(out, MANIFEST_NAME);
  await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  return {
    manifestPath,
    tokenizerPath,
    stores: members.map((store, i) => ({ path: folders[i], splits: totals(store) })),
    splits: manifest.splits,
    vocabSize: manifest.vocab_size,
    dtype: manifest.dtype,
  };
}

/** The manifest goes into a folder of its own, never into a store's. */
async function refuseStoreFolder(out: string): Promise<void> {
  const info = await Deno.stat(out).catch(() => null);
  if (info && !info.isDirectory) throw new UserError(`--merge ${out}: is a file, not a folder`);
  const inside = await Deno.stat(join(out, STORE_NAME)).catch(() => null);
  if (inside || basename(resolve(out)) === STORE_NAME) {
    throw new UserError(
      `--merge ${out}: holds a token store; write the manifest to another folder`,
    );
  }
}

/** The tokenizer.json beside a store, checked against the sha256 the store records. */
async function tokenizerBeside(
  folder: string,
  store: TokenStore,
): Promise<{ path: string; bytes: Uint8Array; sha256: string }> {
  const path = join(folder, TOKENIZER_NAME);
  const bytes = await Deno.readFile(path).catch(() => null);
  if (!bytes) throw new UserError(`${folder}: no ${TOKENIZER_NAME} beside the store`);
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== store.attributes.tokenizer_sha256) {
    throw new UserError(
      `${path}: is not the tokenizer ${store.path} was encoded with (sha256 differs)`,
    );
  }
  return { path, bytes, sha256 };
}
