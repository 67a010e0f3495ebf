/**
 * What every folder may import: the error a user can cause, atomic file writes, the version,
 * the one-writer-per-folder lock.
 * It imports nothing of the toolkit's, so the pure-math `scaling/` need not load the data pipeline.
 *
 * @module
 */
export { UserError } from "./user_error.ts";
export { directoryOf, syncDirectory, writeFileAtomic } from "./atomic_file.ts";
export { TOOLKIT_VERSION } from "./version.ts";
export { lockFolder, type LockOptions, WRITER_LOCK_FILE, type WriterLock } from "./writer_lock.ts";
