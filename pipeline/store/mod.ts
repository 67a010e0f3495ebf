/**
 * The token store: `tokenizeCorpus` writes `DIR/tokens.zarr` (Zarr 3; groups `train` and `val`,
 * each with `tokens` and `doc_offsets`), resumable after any crash; `openStore` reads random
 * batches and evaluation windows from it, or from several stores as one (`mergeStores` writes a
 * manifest naming them).
 *
 * @module
 */
export {
  openStore,
  type OpenStoreOptions,
  type StoreCacheStats,
  type TokenStore,
} from "./reader.ts";
export type { Split } from "./split_hash.ts";
export type {
  InputRecord,
  RunArguments,
  SplitResume,
  SplitTotals,
  StoreAttributes,
  TokenDtype,
} from "./store_attributes.ts";
export {
  DEFAULT_CORPUS_VOCAB,
  DEFAULT_VOCAB,
  tokenizeCorpus,
  type TokenizeOptions,
  type TokenizeProgress,
  type TokenizeSummary,
} from "./tokenize_corpus.ts";
export { MANIFEST_NAME, mergeStores, type MergeSummary } from "./manifest.ts";
