/** Zstandard decompression with the npm package `fzstd` (pure JavaScript, streaming, multi-frame). */
import { Decompress } from "fzstd";
import { labelError } from "./_errors.ts";

/** Decompresses a zstd stream; its own errors become UserErrors naming `label`. */
export function zstdDecompress(
  compressed: ReadableStream<Uint8Array>,
  label: string,
): ReadableStream<Uint8Array> {
  let sink: TransformStreamDefaultController<Uint8Array> | null = null;
  const decoder = new Decompress((data) => {
    if (data.length > 0) sink!.enqueue(data);
  });
  const push = (
    chunk: Uint8Array,
    final: boolean,
    controller: TransformStreamDefaultController<Uint8Array>,
  ) => {
    sink = controller;
    try {
      decoder.push(chunk, final);
    } catch (error) {
      const what = final ? "truncated or corrupt zstd stream" : "corrupt zstd stream";
      throw labelError(error, label, what);
    }
  };
  return compressed.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => push(chunk, false, controller),
      flush: (controller) => push(new Uint8Array(0), true, controller),
    }),
  );
}
