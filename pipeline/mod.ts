/**
 * The data pipeline: corpus readers, the byte-level BPE tokenizer, and the Zarr token store.
 *
 * @module
 */
export {
  type ArchiveMember,
  type DocumentSource,
  type InputFile,
  parseShard,
  readDocuments,
  readMember,
  type ReadOptions,
  readPart,
  type ReadStats,
  type Shard,
  type SourceItem,
  type SourcePart,
} from "./sources/mod.ts";
export {
  type BpeDefinition,
  DEFAULT_MAX_WORDS,
  EncoderPool,
  END_OF_TEXT,
  Tokenizer,
  trainBpe,
  type TrainBpeOptions,
  type TrainReport,
} from "./bpe/mod.ts";
export {
  DEFAULT_CORPUS_VOCAB,
  DEFAULT_VOCAB,
  type InputRecord,
  MANIFEST_NAME,
  mergeStores,
  type MergeSummary,
  openStore,
  type OpenStoreOptions,
  type RunArguments,
  type Split,
  type SplitResume,
  type SplitTotals,
  type StoreAttributes,
  type StoreCacheStats,
  type TokenDtype,
  tokenizeCorpus,
  type TokenizeOptions,
  type TokenizeProgress,
  type TokenizeSummary,
  type TokenStore,
} from "./store/mod.ts";
