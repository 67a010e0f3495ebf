/**
 * Every parameter of a GPT in one flat float32 buffer, in `parameterLayout` order, so that the
 * native path updates, reduces and shares them (between Workers) as one array.
 *
 * @module
 */
import { type GptConfig, parameterLayout } from "../../gpt/config.ts";

/** Where one parameter lives in the flat buffer. */
export interface FlatEntry {
  /** The parameter's name, as in `parameterLayout`. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its first element in the buffer. */
  offset: number;
  /** Its element count. */
  size: number;
}

/** The flat layout of a config's parameters. */
export interface FlatLayout {
  /** Entries in layout order. */
  entries: FlatEntry[];
  /** Elements in all. */
  total: number;
  /** The offset of a parameter by name; throws for a name the config does not have. */
  offset(name: string): number;
  /** Whether the config has a parameter of that name. */
  has(name: string): boolean;
}

/** The flat layout of `config`'s parameters. */
export function flatLayout(config: GptConfig): FlatLayout {
  const entries: FlatEntry[] = [];
  const byName = new Map<string, FlatEntry>();
  let total = 0;
  for (const spec of parameterLayout(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const entry = { name: spec.name, shape: spec.shape, offset: total, size };
    entries.push(entry);
    byName.set(spec.name, entry);
    total += size;
  }
  return {
    entries,
    total,
    offset(name) {
      const entry = byName.get(name);
      if (!entry) throw new Error(`native GPT: no parameter named '${name}'`);
      return entry.offset;
    },
    has: (name) => byName.has(name),
  };
}
