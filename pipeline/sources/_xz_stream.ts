/**
 * xz decompression with the npm package `xz-decompress` (xz-embedded compiled to WebAssembly).
 *
 * Its `XzReadableStream` serialises all instances through one class-wide lock: a second stream waits until the
 * first has finished. Reading OpenWebText needs two at once (the outer `openwebtext.tar.xz` and an inner
 * `urlsf_subset*.xz`), which would wait forever. So each concurrently open stream gets its own copy of the
 * package's module (loaded afresh through `require`, with its own lock and WebAssembly instance); copies are
 * kept in a pool and reused, so only as many exist as streams were ever open at once (the nesting depth).
 */
import "xz-decompress"; // keeps the package in the module graph, so Deno installs it
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { UserError } from "../../core/user_error.ts";
import { describe } from "./_errors.ts";

type XzStreamClass = new (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

const idleCopies: XzStreamClass[] = [];

function loadCopy(): XzStreamClass {
  const require = createRequire(import.meta.url);
  const path = fileURLToPath(import.meta.resolve("xz-decompress"));
  delete require.cache[path]; // a fresh evaluation: a class with its own lock
  return (require(path) as { XzReadableStream: XzStreamClass }).XzReadableStream;
}

// xz-embedded's return codes (xz.h, enum xz_ret), as the package reports them.
const XZ_REASONS: Record<string, string> = {
  "2": "unsupported integrity check",
  "3": "out of memory",
  "4": "dictionary larger than the memory limit",
  "5": "not an xz file",
  "6": "unsupported xz options",
  "7": "corrupt xz data",
  "8": "truncated xz stream",
};

function xzReason(error: unknown, inputEnded: boolean): string {
  const code = /error code (\d+)/.exec(describe(error))?.[1];
  if (code && XZ_REASONS[code]) return XZ_REASONS[code];
  return inputEnded ? "truncated xz stream" : `corrupt xz stream (${describe(error)})`;
}

/**
 * Decompresses an xz stream. Errors of this stream become UserErrors naming `label`; errors of `compressed`
 * pass through unchanged. When the xz stream ends, `compressed` is cancelled (closing its file).
 */
export function xzDecompress(
  compressed: ReadableStream<Uint8Array>,
  label: string,
): ReadableStream<Uint8Array> {
  const copy = idleCopies.pop() ?? loadCopy();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    idleCopies.push(copy);
  };
  // Feed the decoder through a stream we own, so we can tell its input errors from its own and cancel the
  // input when the decoder stops reading it.
  const input = compressed.getReader();
  let inputError: unknown = undefined;
  let inputEnded = false;
  const feed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const result = await input.read();
        if (result.done) {
          inputEnded = true;
          controller.close();
        } else controller.enqueue(result.value);
      } catch (error) {
        inputError = error;
        throw error;
      }
    },
    cancel: (reason) => input.cancel(reason),
  }, { highWaterMark: 0 });
  const output = new copy(feed).getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // The decoder may hand out empty chunks while it waits for input; a pull must enqueue or close.
      while (true) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await output.read();
        } catch (error) {
          release();
          if (error === inputError || error instanceof UserError) throw error;
          throw new UserError(`${label}: ${xzReason(error, inputEnded)}`);
        }
        if (result.done) {
          release();
          await input.cancel().catch(() => {});
          controller.close();
          return;
        }
        if (result.value.length > 0) {
          controller.enqueue(result.value);
          return;
        }
      }
    },
    async cancel(reason) {
      try {
        await output.cancel(reason);
      } finally {
        release();
      }
    },
  }, { highWaterMark: 0 });
}
