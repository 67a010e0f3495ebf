import { UserError } from "./user_error.ts";

/** The directory part of a path. */
export function directoryOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf("/"))) || ".";
}

/** Flushes a directory's entries (new and renamed files) to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await Deno.open(directory, { read: true });
    try {
      await handle.syncData();
    } finally {
      handle.close();
    }
  } catch (error) {
    throw new UserError(
      `cannot flush ${directory}: ${(error as Error).message.replace(/:.*$/, "")}`,
    );
  }
}

/**
 * Writes `bytes` to `path` through a temporary file, fdatasync and rename (the token store's
 * file-system storage, `pipeline/store/_storage.ts`, writes every chunk so). A reader or a crash
 * sees the old file or the whole new one.
 * `knownDirectories` remembers directories already created;
 * `syncDirectory` (default true) flushes the directory after the rename.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic_file.ts";
 * const folder = await Deno.makeTempDir();
 * await writeFileAtomic(`${folder}/run/config.json`, JSON.stringify({ layers: 4 })); // makes run/
 * JSON.parse(await Deno.readTextFile(`${folder}/run/config.json`)); // { layers: 4 }
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  contents: Uint8Array | string,
  options: { knownDirectories?: Set<string>; syncDirectory?: boolean } = {},
): Promise<void> {
  const { knownDirectories } = options;
  const bytes = typeof contents === "string" ? new TextEncoder().encode(contents) : contents;
  const directory = directoryOf(path);
  const temporary = `${path}.tmp-${Deno.pid}`;
  try {
    if (!knownDirectories?.has(directory)) {
      await Deno.mkdir(directory, { recursive: true });
      knownDirectories?.add(directory);
    }
    const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
    if (options.syncDirectory ?? true) await syncDirectory(directory);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot write ${path}: ${(error as Error).message.replace(/:.*$/, "")}`);
  }
}
