/**
 * An error the user caused: a bad flag, a missing or corrupt file, a wrong store.
 * Tasks print its message on one line (no stack trace) and exit with code 1.
 *
 * @example
 * ```ts
 * import { UserError } from "./user_error.ts";
 * try {
 *   throw new UserError("--vocab: expected a whole number, got 'abc'");
 * } catch (error) {
 *   if (!(error instanceof UserError)) throw error;
 *   console.error(error.message); // a task prints the message alone, then exits with code 1
 * }
 * ```
 */
export class UserError extends Error {
  override name = "UserError";
}
