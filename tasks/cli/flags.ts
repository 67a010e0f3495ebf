import { parseArgs } from "node:util";
import { UserError } from "../../core/user_error.ts";

/** One flag of a task, as `node:util` `parseArgs` takes it, plus the line `--help` prints. */
export interface FlagSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  default?: string | boolean | string[];
  /** What `--help` says of the flag, e.g. "N  vocabulary size (default 8000)". */
  help: string;
}

export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * Parses `args` against `specs`. `--help` prints `usage` and the flag list to stdout and exits 0;
 * an unknown flag or a missing value is a `UserError` that names the flag.
 */
export function parseFlags(
  args: string[],
  usage: string,
  specs: Record<string, FlagSpec>,
): FlagValues {
  const options: Record<string, FlagSpec> = { ...specs, help: { type: "boolean", help: "" } };
  let values: FlagValues;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(args, specs),
      options,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, "");
    throw new UserError(`${message} (see --help)`);
  }
  if (values.help) {
    console.log(helpText(usage, specs));
    Deno.exit(0);
  }
  return values;
}

// parseArgs reads "--tokens -5" as two flags; joined as "--tokens=-5" the value reaches numberFlag,
// which refuses it on one line naming the flag.
function joinNegativeValues(args: string[], specs: Record<string, FlagSpec>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([\w-]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name && specs[name]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  return joined;
}

/** The text `--help` prints: the usage line, then one line per flag. */
export function helpText(usage: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const [arg, ...rest] = spec.help.split("  ");
    const described = rest.length ? `--${name} ${arg}` : `--${name}`;
    const text = rest.length ? rest.join("  ") : spec.help;
    return `  ${described.padEnd(28)} ${text}`;
  });
  lines.push(`  ${"--help".padEnd(28)} print this help`);
  return `${usage}\n\nOptions:\n${lines.join("\n")}`;
}

/**
 * Reads a numeric flag: accepts `1e9`, `1_000_000`, `2.5e8`, and the suffixes K, M, B (or G), T.
 * Throws a `UserError` naming the flag when the value is not a number or is out of range.
 */
export function numberFlag(
  name: string,
  value: unknown,
  { min = -Infinity, max = Infinity, integer = false }: {
    min?: number;
    max?: number;
    integer?: boolean;
  } = {},
): number {
  const text = String(value).trim().replaceAll("_", "");
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([kmbgt])?$/i.exec(text);
  if (!match) throw new UserError(`--${name}: expected a number, got '${value}'`);
  const scale: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };
  const number = Number(match[1]) * (match[2] ? scale[match[2].toLowerCase()] : 1);
  if (!Number.isFinite(number)) throw new UserError(`--${name}: '${value}' is not finite`);
  if (integer && !Number.isInteger(number)) {
    throw new UserError(`--${name}: expected a whole number, got '${value}'`);
  }
  if (number < min || number > max) {
    const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw new UserError(`--${name}: must be ${range}, got '${value}'`);
  }
  return number;
}
