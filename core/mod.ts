/**
 * What every folder may import: the error a user can cause, atomic file writes, the version, the
 * one-writer-per-folder lock, the names of the block wirings (shared by `model/` and `scaling/`), and three
 * small helpers written once (`grow` a typed array, `sha256Hex`, `plural`, and the number formats of
 * reports).
 * It imports nothing of the toolkit's, so the pure-math `scaling/` need not load the data pipeline.
 *
 * @module
 */
export { UserError } from "./user_error.ts";
export { directoryOf, syncDirectory, writeFileAtomic } from "./atomic_file.ts";
export { TOOLKIT_VERSION } from "./version.ts";
export { BLOCK_KINDS, type BlockKind, parseBlockKind } from "./block_kind.ts";
export { grow, type GrowableArray, type GrowOptions } from "./grow.ts";
export { sha256Hex } from "./sha256.ts";
export { plural } from "./plural.ts";
export { lockFolder, type LockOptions, WRITER_LOCK_FILE, type WriterLock } from "./writer_lock.ts";
export { compact, fixed, perplexity, scientific, withCommas } from "./number_format.ts";
