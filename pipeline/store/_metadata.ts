/**
 * The store's `zarr.json` files: each array's (written through zarrita, from the layout's codec
 * lists) and each group's, the root group's holding the store's attributes, read back and checked
 * by `readStoreAttributes`.
 */
import * as zarr from "zarrita";
import { UserError } from "../../core/user_error.ts";
import {
  arrayPath,
  OFFSETS_CODECS,
  STORE_FORMAT,
  type StoreLayout,
  tokensSharding,
} from "./_layout.ts";
import type { StoreStorage } from "./_storage.ts";
import { isStoreAttributes, type StoreAttributes } from "./store_attributes.ts";
import type { Split } from "./split_hash.ts";
import type { CodecMetadata } from "./_codecs/registry.ts";

/**
 * A codec list as zarrita's types want it (a `configuration` on every codec); the JSON keeps our
 * spelling, `crc32c` without one, as before.
 */
function forZarrita(
  codecs: CodecMetadata[],
): { name: string; configuration: Record<string, unknown> }[] {
  return codecs as { name: string; configuration: Record<string, unknown> }[];
}

/**
 * Writes (or rewrites, to change its length) the `zarr.json` of a split's `tokens` array through
 * zarrita: 1-D, one shard file per `chunkTokens` tokens, each shard holding inner chunks of
 * `innerChunkTokens` compressed with zstd (Zarr 3 `sharding_indexed` codec), fill value 0.
 */
export async function writeTokensMetadata(
  storage: StoreStorage,
  split: Split,
  length: number,
  layout: StoreLayout,
): Promise<void> {
  await zarr.create(zarr.root(storage).resolve(arrayPath(split, "tokens")), {
    shape: [length],
    chunkShape: [layout.chunkTokens],
    dtype: layout.dtype,
    fillValue: 0,
    dimensionNames: ["token"],
    codecs: [{
      name: "sharding_indexed",
      configuration: { ...tokensSharding(layout.innerChunkTokens) },
    }],
  });
}

/**
 * Writes the `zarr.json` of a split's `doc_offsets` array: uint64 token index where each
 * document starts, plain chunks of `offsetsChunk` compressed with zstd, fill value 0.
 */
export async function writeOffsetsMetadata(
  storage: StoreStorage,
  split: Split,
  length: number,
  layout: StoreLayout,
): Promise<void> {
  await zarr.create(zarr.root(storage).resolve(arrayPath(split, "doc_offsets")), {
    shape: [length],
    chunkShape: [layout.offsetsChunk],
    dtype: "uint64",
    // A BigInt does not serialise to JSON; the specification writes the number 0.
    fillValue: 0 as unknown as bigint,
    dimensionNames: ["document"],
    codecs: forZarrita(OFFSETS_CODECS),
  });
}

/** Writes a group's `zarr.json` (the root group's holds the store's attributes). */
export async function writeGroupMetadata(
  storage: StoreStorage,
  path: "/" | `/${Split}`,
  attributes: Record<string, unknown> = {},
): Promise<void> {
  await zarr.create(zarr.root(storage).resolve(path), { attributes });
}

/**
 * Reads and checks the root attributes of a store: a `UserError` naming the store when it has no
 * root `zarr.json`, or one that is not a token store this toolkit wrote.
 */
export async function readStoreAttributes(storage: StoreStorage): Promise<StoreAttributes> {
  const path = storage.locate("/");
  const file = storage.locate("/zarr.json");
  let bytes: Uint8Array | undefined;
  try {
    bytes = await storage.get("/zarr.json");
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (!bytes) throw new UserError(`${path} is not a token store (no zarr.json)`);
  let metadata: { zarr_format?: number; node_type?: string; attributes?: unknown };
  try {
    metadata = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new UserError(`${file} is not valid JSON`);
  }
  if (
    metadata.zarr_format !== 3 || metadata.node_type !== "group" ||
    !isStoreAttributes(metadata.attributes, STORE_FORMAT)
  ) {
    throw new UserError(`${path} is not a token store written by this toolkit`);
  }
  return metadata.attributes;
}
