/**
 * The path a request names, or why it is refused. The server maps a fixed list of URL paths to
 * files, so no request path ever becomes a file path; this check refuses the shapes an escape
 * would take (`..` segments, encoded or not; absolute file paths; backslashes; NUL) with a clear
 * 400 instead of a quiet 404.
 */
export function requestPath(url: string): { path: string } | { refused: string } {
  // Deno's Request.url keeps the raw target ("http://host/a/../b"); new URL() would resolve it.
  const raw = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").replace(/[?#].*$/s, "");
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { refused: `bad percent-encoding in ${raw}` };
  }
  if (!decoded.startsWith("/")) return { refused: `not an absolute URL path: ${raw}` };
  if (decoded.startsWith("//") || /^\/[a-z]:/i.test(decoded)) {
    return { refused: `a file-system path, not a playground URL: ${raw}` };
  }
  if (/[\\\0]/.test(decoded)) return { refused: `a backslash or NUL in ${raw}` };
  if (decoded.split("/").some((segment) => segment === ".." || segment === ".")) {
    return { refused: `a '.' or '..' segment in ${raw}: only the run's files are served` };
  }
  return { path: decoded };
}
