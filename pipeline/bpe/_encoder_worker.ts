/// <reference lib="deno.worker" />
/**
 * A Worker of `EncoderPool`: builds the tokenizer from the JSON it is sent first, then encodes each
 * batch it receives and sends back all ids in one transferred buffer plus document offsets (one
 * transfer per batch instead of one per document).
 */
import { Tokenizer } from "./tokenizer.ts";

/** Messages the pool sends. */
export type EncoderRequest =
  | { type: "init"; json: string }
  | { type: "encode"; id: number; documents: string[] };

/** Messages a worker sends back: document d's ids are `ids[offsets[d], offsets[d + 1])`. */
export type EncoderResponse =
  | { id: number; ids: Uint32Array; offsets: Float64Array }
  | { id: number; error: string };

let tokenizer: Tokenizer | undefined;
let initError = "the tokenizer was never sent";

self.onmessage = (event: MessageEvent<EncoderRequest>) => {
  const request = event.data;
  if (request.type === "init") {
    try {
      tokenizer = Tokenizer.fromJson(request.json);
    } catch (error) {
      initError = (error as Error).message;
    }
    return;
  }
  try {
    if (!tokenizer) throw new Error(initError);
    const { ids, offsets } = tokenizer.encodeConcatenated(request.documents);
    const response: EncoderResponse = { id: request.id, ids, offsets };
    self.postMessage(response, [ids.buffer, offsets.buffer]);
  } catch (error) {
    self.postMessage({ id: request.id, error: (error as Error).message } satisfies EncoderResponse);
  }
};
