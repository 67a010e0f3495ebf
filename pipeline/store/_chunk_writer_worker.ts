/// <reference lib="deno.worker" />
/**
 * A Worker of `ChunkWriter` (runs on a chunk-writer Worker): encodes each complete chunk it is
 * sent by its array's codecs (`_layout.ts`, `_codecs/`) and writes it atomically through the
 * store's storage (temporary file, fdatasync, rename), then reports the key back. Making the
 * writes durable (the directory flush) and the journal are the main thread's, once every chunk they
 * cover is reported.
 */
import { encodeChunk } from "./_codecs/registry.ts";
import { encodeShard } from "./_codecs/sharding.ts";
import { uint64Words } from "./_codecs/bytes.ts";
import { OFFSETS_CODECS, type StoreLayout, type TokenArray, tokensSharding } from "./_layout.ts";
import { openStorage, type StoreKey, type StoreStorage } from "./_storage.ts";
import { UserError } from "../../core/user_error.ts";

/** A complete chunk of a `tokens` array (a shard) or of a `doc_offsets` array, to write under `key`. */
export type ChunkToWrite =
  | { key: StoreKey; array: "tokens"; values: TokenArray }
  | { key: StoreKey; array: "doc_offsets"; values: Float64Array };

/** Messages the main thread sends. */
export type ChunkRequest =
  | { type: "open"; storePath: string; layout: StoreLayout }
  | { type: "chunk"; request: number; chunk: ChunkToWrite };

/** One reply per chunk: the key written, or why not. */
export type ChunkResponse = {
  request: number;
  key: StoreKey;
  error?: string;
  userError?: boolean;
};

let storage: StoreStorage | undefined;
let layout: StoreLayout | undefined;

self.onmessage = async (event: MessageEvent<ChunkRequest>) => {
  const message = event.data;
  if (message.type === "open") {
    storage = openStorage(message.storePath, { deferFlush: true });
    layout = message.layout;
    return;
  }
  const { key } = message.chunk;
  try {
    await storage!.set(key, encode(message.chunk, layout!));
    self.postMessage({ request: message.request, key } satisfies ChunkResponse);
  } catch (error) {
    self.postMessage(
      {
        request: message.request,
        key,
        error: (error as Error).message,
        userError: error instanceof UserError,
      } satisfies ChunkResponse,
    );
  }
};

function encode(chunk: ChunkToWrite, layout: StoreLayout): Uint8Array {
  if (chunk.array === "tokens") {
    return encodeShard(chunk.values, layout.chunkTokens, tokensSharding(layout.innerChunkTokens));
  }
  // Padded with the fill value 0 to the chunk length (offsets < 2^53).
  return encodeChunk(OFFSETS_CODECS, uint64Words(chunk.values, layout.offsetsChunk));
}
