/**
 * A count and its noun, the noun in the plural unless the count is 1.
 *
 * @example
 * ```ts
 * import { plural } from "./plural.ts";
 * console.assert(plural(1, "head") === "1 head" && plural(8, "head") === "8 heads");
 * ```
 */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
