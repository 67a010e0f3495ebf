/// <reference lib="deno.worker" />
/**
 * A Worker of `ChunkWriter`: compresses each complete chunk it is sent and writes it atomically
 * (temporary file, fdatasync, rename), then reports the file back. The directory flush and the
 * journal are the main thread's, once every chunk they cover is reported.
 */
import { AtomicFileSystemStore } from "./_storage.ts";
import { bytesOf, compress, encodeShard, type TokenArray } from "./_chunk_codec.ts";
import { UserError } from "../../core/user_error.ts";

/** A complete chunk to write under `key`. */
export type ChunkToWrite =
  | { key: string; kind: "tokens"; values: TokenArray; shardTokens: number; innerTokens: number }
  | { key: string; kind: "offsets"; values: Float64Array; chunkLength: number };

/** Messages the main thread sends. */
export type ChunkRequest =
  | { type: "open"; storePath: string }
  | { type: "chunk"; request: number; chunk: ChunkToWrite };

/** One reply per chunk: the file written, or why not. */
export type ChunkResponse = { request: number; path: string; error?: string; userError?: boolean };

let store: AtomicFileSystemStore | undefined;

self.onmessage = async (event: MessageEvent<ChunkRequest>) => {
  const message = event.data;
  if (message.type === "open") {
    store = new AtomicFileSystemStore(message.storePath, { syncDirectories: false });
    return;
  }
  const path = store!.pathOf(message.chunk.key);
  try {
    await store!.set(message.chunk.key, encode(message.chunk));
    self.postMessage({ request: message.request, path } satisfies ChunkResponse);
  } catch (error) {
    self.postMessage(
      {
        request: message.request,
        path,
        error: (error as Error).message,
        userError: error instanceof UserError,
      } satisfies ChunkResponse,
    );
  }
};

function encode(chunk: ChunkToWrite): Uint8Array {
  if (chunk.kind === "tokens") {
    return encodeShard(chunk.values, chunk.shardTokens, chunk.innerTokens);
  }
  // uint64 little-endian, padded with the fill value 0 to the chunk length (offsets < 2^53).
  const words = new Uint32Array(chunk.chunkLength * 2);
  for (let i = 0; i < chunk.values.length; i++) {
    const value = chunk.values[i];
    words[2 * i] = value % 0x1_0000_0000;
    words[2 * i + 1] = Math.floor(value / 0x1_0000_0000);
  }
  return compress(bytesOf(words));
}
