/** Turning low-level failures into one-line UserErrors that name the file (and archive member). */
import { UserError } from "../../core/user_error.ts";

/** A short reason for an I/O or decoder error, without a stack. */
export function describe(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotFound) return "not found";
  if (error instanceof Deno.errors.IsADirectory) return "is a directory";
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}

/**
 * Wraps a failure of the stage reading `label` as `UserError("label: what (why)")`. A UserError passes
 * unchanged: it was raised by a stage closer to the fault, which named the right file or member.
 */
export function labelError(error: unknown, label: string, what: string): UserError {
  if (error instanceof UserError) return error;
  return new UserError(`${label}: ${what} (${describe(error)})`);
}

/**
 * Re-emits `stream`, turning its errors into `UserError("label: problem(error)")`; UserErrors pass
 * unchanged (see {@link labelError}). Cancelling the result cancels `stream`.
 */
export function labelStreamErrors(
  stream: ReadableStream<Uint8Array>,
  label: string,
  problem: (error: unknown) => string,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw new UserError(`${label}: ${problem(error)}`);
      }
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}
