/** Reading one input file as a byte stream, counting the bytes read for progress. */
import { describe } from "./_errors.ts";
import { UserError } from "../../core/user_error.ts";

/** Bytes per read: large enough that per-chunk work (decoders, line splitting) is amortised. */
const CHUNK_BYTES = 1 << 20;

/** An open input file: its byte stream, and `close()` for the caller's `finally` (idempotent). */
export interface OpenFile {
  stream: ReadableStream<Uint8Array>;
  close(): void;
}

/**
 * Opens `path` for streaming. `onRead(n)` is called with each chunk's size. The file closes itself at the
 * end of the stream, on cancel and on error; `close()` covers a consumer that stops without cancelling.
 * Failures become UserErrors naming `path`.
 */
export async function openFile(path: string, onRead: (bytes: number) => void): Promise<OpenFile> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new UserError(`${path}: cannot open (${describe(error)})`);
  }
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    file.close();
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffer = new Uint8Array(CHUNK_BYTES);
      let count: number | null;
      try {
        count = await file.read(buffer);
      } catch (error) {
        close();
        throw new UserError(`${path}: read failed (${describe(error)})`);
      }
      if (count === null) {
        close();
        controller.close();
        return;
      }
      onRead(count);
      controller.enqueue(buffer.subarray(0, count));
    },
    cancel: close,
  }, { highWaterMark: 0 });
  return { stream, close };
}
