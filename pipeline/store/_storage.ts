import FileSystemStore from "@zarrita/storage/fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic_file.ts";

/**
 * zarrita's file-system store, with every write made atomic and durable: the bytes go to a
 * temporary file beside the target, are flushed to disk (fdatasync), then renamed over it, and
 * (unless `syncDirectories` is false, for a caller that flushes directories itself with
 * `syncDirectory`) the directory is flushed so the rename itself survives a power cut. A reader
 * (or a crash) sees the old file or the new one, never half of one. A failed write (permission,
 * disk full) is a `UserError` naming the file; the temporary file is removed and the old file is
 * left untouched.
 */
export class AtomicFileSystemStore extends FileSystemStore {
  readonly #root: string;
  readonly #knownDirectories = new Set<string>();
  readonly #syncDirectories: boolean;

  constructor(root: string, options: { syncDirectories?: boolean } = {}) {
    super(root);
    this.#root = root;
    this.#syncDirectories = options.syncDirectories ?? true;
  }

  /** The file a store key lives in. */
  pathOf(key: string): string {
    return join(this.#root, key.replace(/^\/+/, ""));
  }

  override async set(key: string, value: Uint8Array): Promise<void> {
    await writeFileAtomic(this.pathOf(key), value, {
      knownDirectories: this.#knownDirectories,
      syncDirectory: this.#syncDirectories,
    });
  }
}
