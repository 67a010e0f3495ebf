/**
 * Buffered reads of exact sizes from a byte stream, without copying whole chunks: what a tar reader and the
 * content sniffers need on top of a plain `ReadableStreamDefaultReader`.
 */
export class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0); // the unread rest of the current chunk
  #done = false;
  /** Bytes consumed so far (read or skipped), for error messages that give an offset. */
  position = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Makes sure some unread bytes are buffered; false at the end of the stream. */
  async #fill(): Promise<boolean> {
    while (this.#chunk.length === 0) {
      if (this.#done) return false;
      const result = await this.#reader.read();
      if (result.done) {
        this.#done = true;
        return false;
      }
      this.#chunk = result.value;
    }
    return true;
  }

  /** Up to `max` bytes (fewer when the current chunk ends first), or null at the end of the stream. */
  async read(max: number): Promise<Uint8Array | null> {
    if (max <= 0 || !(await this.#fill())) return null;
    const bytes = this.#chunk.length <= max ? this.#chunk : this.#chunk.subarray(0, max);
    this.#chunk = this.#chunk.subarray(bytes.length);
    this.position += bytes.length;
    return bytes;
  }

  /** Exactly `size` bytes, or fewer only when the stream ends first (the caller reports truncation). */
  async readExactly(size: number): Promise<Uint8Array> {
    const first = await this.read(size);
    if (first === null) return new Uint8Array(0);
    if (first.length === size) return first;
    const bytes = new Uint8Array(size);
    bytes.set(first);
    let filled = first.length;
    while (filled < size) {
      const next = await this.read(size - filled);
      if (next === null) return bytes.subarray(0, filled);
      bytes.set(next, filled);
      filled += next.length;
    }
    return bytes;
  }

  /** Skips up to `size` bytes; returns how many were skipped (fewer only at the end of the stream). */
  async skip(size: number): Promise<number> {
    let skipped = 0;
    while (skipped < size) {
      const next = await this.read(size - skipped);
      if (next === null) break;
      skipped += next.length;
    }
    return skipped;
  }

  /** Up to `size` bytes from the current position without consuming them (fewer at the end). */
  async peek(size: number): Promise<Uint8Array> {
    while (this.#chunk.length < size && !this.#done) {
      const result = await this.#reader.read();
      if (result.done) {
        this.#done = true;
        break;
      }
      const joined = new Uint8Array(this.#chunk.length + result.value.length);
      joined.set(this.#chunk);
      joined.set(result.value, this.#chunk.length);
      this.#chunk = joined;
    }
    return this.#chunk.subarray(0, Math.min(size, this.#chunk.length));
  }

  /** The unread bytes as a stream (after a {@link peek}); cancelling it cancels the source. */
  rest(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const bytes = await this.read(Infinity);
        if (bytes === null) controller.close();
        else controller.enqueue(bytes);
      },
      cancel: (reason) => this.cancel(reason),
    }, { highWaterMark: 0 });
  }

  /** Stops reading and cancels the source (closing the file under it). Safe to call twice. */
  async cancel(reason?: unknown): Promise<void> {
    this.#done = true;
    this.#chunk = new Uint8Array(0);
    await this.#reader.cancel(reason).catch(() => {});
  }
}

/**
 * The chunks of `stream`, like `for await (const chunk of stream)` but without releasing the reader's lock
 * at the end: Deno's `releaseLock` builds an Error (with a stack) each time, which cost a quarter of the
 * time on tars of many small files. Stopping early cancels the stream.
 */
export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let ended = false;
  try {
    while (true) {
      const result = await reader.read();
      if (result.done) {
        ended = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
  }
}
