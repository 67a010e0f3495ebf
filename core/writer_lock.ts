/**
 * One writer per folder (a run folder, a token store's `--out`): the writer holds an exclusive
 * kernel lock (`flock`) on `FOLDER/writer.lock` for as long as it writes; a second process is
 * refused at once, in one line naming the folder and the holder's process id, before it writes.
 *
 * Why a kernel lock and not a pid file: the kernel drops the lock when its holder dies, however it
 * dies (`kill -9`, a crash, a power cut), so a resume after a crash finds the lock free and goes
 * on unattended; a pid file would outlive its writer and need a liveness probe, which can be fooled
 * by a new process that reuses the pid and would need `--allow-run` to ask the system. The file's
 * content (the holder's pid) only feeds the message; it is never trusted. The file is never
 * deleted: removing it while another process waits on it would let two writers lock two files.
 *
 * @example
 * ```ts
 * import { lockFolder } from "./writer_lock.ts";
 * const folder = await Deno.makeTempDir();
 * {
 *   using lock = await lockFolder(folder); // a second writer is refused until the block ends
 *   await Deno.writeTextFile(`${folder}/notes.txt`, `written by ${lock.folder}'s one writer`);
 * }
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @module
 */
import { UserError } from "./user_error.ts";

/** The lock file's name inside a locked folder. */
export const WRITER_LOCK_FILE = "writer.lock";

/** A held writer lock; `release()` (or the end of a `using` block) lets the next writer in. */
export interface WriterLock extends Disposable {
  /** The folder written to. */
  readonly folder: string;
  /** Unlocks and closes the lock file (the file stays). Safe to call twice. */
  release(): void;
}

/** How `lockFolder` treats a folder that does not exist. */
export interface LockOptions {
  /**
   * Create a missing folder (a new run or store; default). With false a missing folder (or a file)
   * is not locked and `null` is returned: a resume of nothing is the caller's error to report.
   */
  create?: boolean;
}

/**
 * Takes the writer lock of `folder` (created when missing) or throws a `UserError` naming the
 * folder and the process that holds it. Never waits: a busy folder is refused at once.
 */
export function lockFolder(folder: string, options?: { create?: true }): Promise<WriterLock>;
export function lockFolder(folder: string, options: LockOptions): Promise<WriterLock | null>;
export async function lockFolder(
  folder: string,
  options: LockOptions = {},
): Promise<WriterLock | null> {
  const path = `${folder}/${WRITER_LOCK_FILE}`;
  const reason = (error: unknown) => (error as Error).message.replace(/:.*$/, "");
  const found = await Deno.stat(folder).catch(() => null);
  if (!found?.isDirectory && !(options.create ?? true)) return null;
  if (found && !found.isDirectory) throw new UserError(`${folder} exists and is not a directory`);
  if (!found) {
    await Deno.mkdir(folder, { recursive: true }).catch((error) => {
      throw new UserError(`cannot create ${folder}: ${reason(error)}`);
    });
  }
  let file: Deno.FsFile;
  try {
    // No truncate: a refused process must leave the holder's pid in place.
    file = await Deno.open(path, { read: true, write: true, create: true });
  } catch (error) {
    throw new UserError(`cannot lock ${folder}: ${reason(error)}`);
  }
  if (!(await file.tryLock(true))) {
    file.close();
    const holder = await holderPid(path);
    throw new UserError(
      `${folder} is being written by another process (${
        holder ? `pid ${holder}` : "pid unknown"
      }); wait for it to end or stop it, then run this again`,
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    file.close(); // closing the descriptor drops the kernel lock
  };
  return { folder, release, [Symbol.dispose]: release };
}

/**
 * The pid written in a lock file. The holder writes it just after it locks, so a reader that came
 * in between finds the file empty: it looks again for a moment before it gives up.
 */
async function holderPid(path: string): Promise<number | null> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const text = await Deno.readTextFile(path).catch(() => "");
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}
