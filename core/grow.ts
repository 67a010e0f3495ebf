/** A typed array that `grow` can reallocate (every kind but the BigInt ones). */
export type GrowableArray =
  | Uint8Array<ArrayBuffer>
  | Uint16Array<ArrayBuffer>
  | Uint32Array<ArrayBuffer>
  | Int32Array<ArrayBuffer>
  | Float32Array<ArrayBuffer>
  | Float64Array<ArrayBuffer>;

/** Options of `grow`. */
export interface GrowOptions {
  /** Elements to copy into a new array (default: all): the ones after are scratch. */
  keep?: number;
  /** How much longer a new array is than the old one at least (default 2: amortised O(1)). */
  factor?: number;
}

/**
 * `array` if it holds at least `needed` elements, else a new array of the same type with room for
 * `max(needed, ceil(array.length * factor))` and the first `keep` elements copied: the idiom of a
 * buffer that is filled without knowing its final size, written once.
 *
 * @example
 * ```ts
 * import { grow } from "./grow.ts";
 * let ids = new Uint32Array(2);
 * ids = grow(ids, 3); // a new Uint32Array of 4, the first 2 ids copied
 * console.assert(ids.length === 4);
 * ```
 */
export function grow<T extends GrowableArray>(
  array: T,
  needed: number,
  options: GrowOptions = {},
): T {
  if (needed <= array.length) return array;
  const length = Math.max(needed, Math.ceil(array.length * (options.factor ?? 2)));
  const grown = new (array.constructor as new (length: number) => T)(length);
  const keep = options.keep ?? array.length;
  grown.set(keep === array.length ? array : array.subarray(0, keep));
  return grown;
}
