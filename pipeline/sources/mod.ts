/**
 * Streaming document sources: every form OpenWebText ships in, and the embedded default corpus.
 *
 * @module
 */
export { readDocuments } from "./read_documents.ts";
export { readPart } from "./read_part.ts";
export type {
  DocumentSource,
  InputFile,
  ReadContext,
  ReadOptions,
  ReadStats,
  SourcePart,
} from "./types.ts";
