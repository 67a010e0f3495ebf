/**
 * An error the user caused: a bad flag, a missing or corrupt file, a wrong store.
 * Tasks print its message on one line (no stack trace) and exit with code 1.
 *
 * @example
 * ```ts
 * import { UserError } from "./user_error.ts";
 * function parseVocab(text: string): number {
 *   const vocab = Number(text);
 *   if (!Number.isInteger(vocab)) {
 *     throw new UserError(`--vocab: expected a whole number, got '${text}'`);
 *   }
 *   return vocab;
 * }
 * try {
 *   parseVocab("abc");
 * } catch (error) {
 *   // A task prints "error: --vocab: expected a whole number, got 'abc'" and exits 1.
 *   if (!(error instanceof UserError)) throw error;
 * }
 * ```
 */
export class UserError extends Error {
  override name = "UserError";
}
