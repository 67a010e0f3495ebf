/**
 * Streaming document sources: every form OpenWebText ships in, and the embedded default corpus.
 *
 * @module
 */
export { readDocuments } from "./read_documents.ts";
export { readMember, readPart } from "./read_part.ts";
export { isCompressedName } from "./format.ts";
export { parseShard } from "./shard.ts";
export type {
  ArchiveMember,
  DocumentSource,
  InputFile,
  ReadContext,
  ReadOptions,
  ReadStats,
  Shard,
  SourceItem,
  SourcePart,
} from "./types.ts";
