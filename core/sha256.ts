/**
 * The SHA-256 of `bytes` as 64 lowercase hex digits (Web Crypto), as the store and the run folder
 * record a tokenizer file.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 * const hex = await sha256Hex(new TextEncoder().encode("abc"));
 * console.assert(hex.startsWith("ba7816bf"));
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
