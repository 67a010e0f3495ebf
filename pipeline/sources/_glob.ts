/**
 * A small glob matcher for `--input` patterns: `*` and `?` within one path segment, `**` across segments,
 * `[abc]` / `[a-z]` / `[!abc]` character classes. As in a shell, wildcards do not match a leading dot, so
 * hidden files and folders are only matched by a pattern segment that starts with a literal dot.
 */

const MAGIC = /[*?[]/;

/** True when the pattern has a wildcard; a path without one is taken literally. */
export function hasGlobMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/**
 * Splits a pattern into the folder to walk (its leading segments without wildcards) and the rest.
 *
 * @example
 * ```ts
 * splitGlob("data/owt/**\/*.jsonl"); // { base: "data/owt", rest: "**\/*.jsonl" }
 * ```
 */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const segments = pattern.split("/");
  const first = segments.findIndex((segment) => hasGlobMagic(segment));
  if (first === -1) return { base: pattern, rest: "" };
  const baseSegments = segments.slice(0, first);
  const base = baseSegments.length === 0 ? "." : baseSegments.join("/") || "/";
  return { base, rest: segments.slice(first).join("/") };
}

/** How deep a walk must go for the pattern: Infinity with `**`, else the number of segments. */
export function globDepth(rest: string): number {
  const segments = rest.split("/");
  return segments.includes("**") ? Infinity : segments.length;
}

/** Compiles a pattern relative to its base (`/`-separated) into a RegExp matching whole relative paths. */
export function globToRegExp(rest: string): RegExp {
  const segments = rest.split("/").filter((segment) => segment !== "");
  let source = "";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") {
      // Zero or more non-hidden segments; as the last segment, one or more (a file must be matched).
      source += last ? "(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*" : "(?:(?!\\.)[^/]*/)*";
      return;
    }
    source += segmentSource(segment) + (last ? "" : "/");
  });
  return new RegExp(`^${source}$`);
}

function segmentSource(segment: string): string {
  let source = segment.startsWith(".") ? "" : "(?!\\.)";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i];
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) {
        source += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      source += `[${negated ? "^/" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = close;
    } else source += char.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return source;
}
