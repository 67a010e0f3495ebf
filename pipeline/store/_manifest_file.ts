/**
 * The manifest of stores read as one (`OUT/stores.json`, written by `mergeStores`): the stores'
 * folders relative to the manifest's folder, in the order a merged store presents them, and what
 * they share.
 */
import { dirname, join } from "node:path";
import { UserError } from "../../core/user_error.ts";
import type { Split } from "./split_hash.ts";
import type { SplitTotals, TokenDtype } from "./store_attributes.ts";

/** Name of the manifest `deno task tokenize --merge OUT` writes into OUT. */
export const MANIFEST_NAME = "stores.json";

/** The `format` field that marks a manifest this toolkit wrote. */
export const MANIFEST_FORMAT = "token-store-set/1";

/** The manifest's JSON (snake_case, as stored). */
export interface StoreManifest {
  format: string;
  /** Store folders (each holding tokens.zarr and tokenizer.json), relative to the manifest's folder. */
  stores: string[];
  /** sha256 of the tokenizer every store was encoded with. */
  tokenizer_sha256: string;
  vocab_size: number;
  dtype: TokenDtype;
  /** The totals of all stores at merge time. */
  splits: Record<Split, SplitTotals>;
  toolkit_version: string;
  created_at: string;
}

/**
 * Reads a manifest: the stores it names, resolved against its folder. A `UserError` naming the file
 * when it is not valid JSON or not a manifest, and naming the store when one does not exist.
 */
export async function readManifest(
  file: string,
): Promise<{ manifest: StoreManifest; stores: string[] }> {
  let manifest: Partial<StoreManifest>;
  try {
    manifest = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    const why = error instanceof SyntaxError ? "not valid JSON" : (error as Error).message;
    throw new UserError(`${file}: cannot read the store manifest (${why})`);
  }
  if (
    typeof manifest !== "object" || manifest === null || manifest.format !== MANIFEST_FORMAT ||
    !Array.isArray(manifest.stores) || manifest.stores.some((store) => typeof store !== "string")
  ) {
    throw new UserError(`${file} is not a store manifest (deno task tokenize --merge writes one)`);
  }
  const folder = dirname(file);
  const stores = manifest.stores.map((store) => join(folder, store));
  for (const [i, store] of stores.entries()) {
    try {
      await Deno.stat(store);
    } catch {
      throw new UserError(
        `${file}: names the store ${manifest.stores[i]} (${store}), which does not exist`,
      );
    }
  }
  return { manifest: manifest as StoreManifest, stores };
}
