import { join } from "node:path";
import { UserError } from "../../core/user_error.ts";
import { WRITER_LOCK_FILE } from "../../core/writer_lock.ts";
import { checkSameRun } from "./_resume.ts";
import type { RunArguments } from "./store_attributes.ts";
import { STORE_NAME, TOKENIZER_NAME } from "./_layout.ts";
import { readStoreAttributes } from "./_metadata.ts";
import { openStorage } from "./_storage.ts";
import { StoreWriter } from "./_store_writer.ts";

/** Where a store being replaced is moved before it is deleted (a crash mid-delete leaves it here). */
const DISCARDED = `${STORE_NAME}.discarded`;

/** How `prepareOutput` treats an existing store. */
export interface OutputPolicy {
  /** Replace an existing store (ours only) and its tokenizer.json. */
  overwrite: boolean;
  /** Require an existing store to continue. */
  resume: boolean;
  /** The `--tokenizer` file, if any: it may be the tokenizer.json already in the directory. */
  tokenizerPath?: string;
}

/**
 * Decides what to do with the `--out` directory before anything is written, and refuses
 * (`UserError`, nothing changed) what could lose data: returns the writer of the store to continue,
 * or null when a new store is to be created (the directory then exists and holds no store).
 *
 * - missing or empty directory: a new store;
 * - our store, started with the same arguments: continue it (or report it complete);
 * - our store, other arguments: refused, unless `overwrite`;
 * - anything else in the directory (a foreign `tokens.zarr`, other files): refused, even with
 *   `overwrite`: it is not ours to delete.
 */
export async function prepareOutput(
  outDir: string,
  run: RunArguments,
  policy: OutputPolicy,
): Promise<StoreWriter | null> {
  const storePath = join(outDir, STORE_NAME);
  let entries: string[];
  try {
    const info = await Deno.stat(outDir);
    if (!info.isDirectory) throw new UserError(`--out ${outDir} exists and is not a directory`);
    entries = [];
    for await (const entry of Deno.readDir(outDir)) entries.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw wrap(error, outDir);
    if (policy.resume) throw new UserError(`--resume: there is no store to resume in ${outDir}`);
    await Deno.mkdir(outDir, { recursive: true }).catch((error) => {
      throw wrap(error, outDir);
    });
    return null;
  }
  if (entries.includes(DISCARDED)) await remove(join(outDir, DISCARDED));
  if (entries.includes(STORE_NAME)) {
    const attributes = await readStoreAttributes(openStorage(storePath)).catch((error) => {
      throw new UserError(
        `${storePath} exists but is not a token store written by this toolkit (${error.message}); nothing was changed`,
      );
    });
    if (policy.overwrite) {
      // Rename first: a crash during the delete must not leave a half store under the real name.
      await Deno.rename(storePath, join(outDir, DISCARDED)).catch((error) => {
        throw wrap(error, storePath);
      });
      await remove(join(outDir, DISCARDED));
      await remove(join(outDir, TOKENIZER_NAME));
      return null;
    }
    checkSameRun(storePath, attributes, run);
    return await StoreWriter.open(storePath);
  }
  const ours = [TOKENIZER_NAME, DISCARDED, WRITER_LOCK_FILE];
  const others = entries.filter((name) => !ours.includes(name));
  if (others.length) {
    throw new UserError(
      `--out ${outDir} is not empty and holds no token store (found ${
        others.slice(0, 3).join(", ")
      }${others.length > 3 ? ", ..." : ""}): choose a new or empty directory`,
    );
  }
  if (policy.resume) throw new UserError(`--resume: there is no store to resume in ${outDir}`);
  if (entries.includes(TOKENIZER_NAME)) {
    const existing = join(outDir, TOKENIZER_NAME);
    if (policy.tokenizerPath && await samePath(policy.tokenizerPath, existing)) return null;
    if (!policy.overwrite) {
      throw new UserError(
        `${
          join(outDir, TOKENIZER_NAME)
        } exists without a token store beside it: use --overwrite to replace it`,
      );
    }
    await remove(join(outDir, TOKENIZER_NAME));
  }
  return null;
}

/** Whether two paths name the same file. */
async function samePath(a: string, b: string): Promise<boolean> {
  try {
    return await Deno.realPath(a) === await Deno.realPath(b);
  } catch {
    return false;
  }
}

async function remove(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw wrap(error, path);
  }
}

function wrap(error: unknown, path: string): Error {
  if (error instanceof UserError) return error;
  return new UserError(`${path}: ${(error as Error).message.replace(/:.*$/, "")}`);
}
