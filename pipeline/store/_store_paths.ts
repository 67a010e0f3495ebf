/**
 * What `openStore` and `mergeStores` are given, turned into the stores to read: a store folder (or
 * its `tokens.zarr`), a manifest (`OUT/stores.json`, or the folder holding it), a glob of those
 * (`data/owt/shard-*`, matches sorted by path), or a comma-separated list of any of them.
 */
import { glob } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UserError } from "../../core/user_error.ts";
import { STORE_NAME } from "./_layout.ts";
import { MANIFEST_NAME, readManifest, type StoreManifest } from "./_manifest_file.ts";

/** The stores a specification names. */
export interface ResolvedStores {
  /** Each store's path as `openStore` takes it, in the order a merged store presents them. */
  stores: string[];
  /** The manifest, when the specification is one manifest. */
  manifest?: { file: string; content: StoreManifest };
  /** What to call the stores as one: the manifest's folder (or file), else the specification. */
  label: string;
}

const GLOB_MAGIC = /[*?[{]/;

/**
 * Resolves a specification (one string, or several) to its stores, manifests and globs expanded.
 * A `UserError` naming the path for one that does not exist, a glob that matches nothing, a
 * manifest that names a missing store, or a store named twice.
 */
export async function resolveStores(spec: string | readonly string[]): Promise<ResolvedStores> {
  const items = typeof spec === "string" ? [spec] : [...spec];
  if (items.length === 0) throw new UserError("no token store given");
  const resolved = await Promise.all(items.map(resolveItem));
  const stores = resolved.flatMap((item) => item.stores);
  await refuseRepeats(stores);
  const manifest = resolved.length === 1 ? resolved[0].manifest : undefined;
  const label = manifest
    ? (basename(manifest.file) === MANIFEST_NAME ? dirname(manifest.file) : manifest.file)
    : items.join(",");
  return { stores, manifest, label };
}

async function resolveItem(item: string): Promise<Omit<ResolvedStores, "label">> {
  const info = await statOrNull(item);
  if (info?.isFile) return await manifestItem(item);
  if (info?.isDirectory) {
    const isStore = await statOrNull(join(item, STORE_NAME, "zarr.json")) ??
      await statOrNull(join(item, "zarr.json"));
    const manifest = join(item, MANIFEST_NAME);
    if (!isStore && await statOrNull(manifest)) return await manifestItem(manifest);
    return { stores: [item] }; // a store, or refused by openStore as not one
  }
  if (info) return { stores: [item] };
  if (GLOB_MAGIC.test(item)) {
    const matches = (await Array.fromAsync(glob(item))).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
    if (matches.length === 0) throw new UserError(`${item}: the pattern matches no token store`);
    const expanded = await Promise.all(matches.map(resolveItem));
    return { stores: expanded.flatMap((entry) => entry.stores) };
  }
  if (item.includes(",")) {
    const parts = await Promise.all(item.split(",").filter((part) => part).map(resolveItem));
    return { stores: parts.flatMap((part) => part.stores) };
  }
  throw new UserError(`token store ${item} does not exist (run deno task tokenize)`);
}

async function manifestItem(file: string): Promise<Omit<ResolvedStores, "label">> {
  const { manifest, stores } = await readManifest(file);
  return { stores, manifest: { file, content: manifest } };
}

/** A store named twice would be sampled twice as often: refused. */
async function refuseRepeats(stores: string[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const store of stores) {
    const inside = join(store, STORE_NAME);
    const real = await Deno.realPath(await statOrNull(inside) ? inside : store).catch(() => store);
    const first = seen.get(real);
    if (first !== undefined) {
      throw new UserError(`${store}: the same token store as ${first}, named twice`);
    }
    seen.set(real, store);
  }
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw new UserError(`${path}: cannot read (${(error as Error).message})`);
  }
}
