/**
 * Turns `--input` arguments (files, directories, globs) into the sorted list of files to read.
 * Resolution is eager, so a typo fails before any work starts.
 */
import { UserError } from "../../core/user_error.ts";
import { describe } from "./_errors.ts";
import { globDepth, globToRegExp, hasGlobMagic, splitGlob } from "./_glob.ts";
import type { InputFile } from "./types.ts";

/**
 * Resolves each argument in order: a file is taken as is, a directory is walked (hidden entries skipped),
 * a glob is expanded; the files of one directory or glob are sorted by path (code-unit order, the same on
 * every machine). A file named twice is read once. Throws a UserError naming a path that does not exist,
 * cannot be read, or a glob or directory that holds no file.
 */
export async function resolveInputs(inputs: string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    for (const file of await resolveOne(input)) {
      const key = await realKey(file.path);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return files;
}

async function resolveOne(input: string): Promise<InputFile[]> {
  const info = await statOrNull(input);
  if (info === null) {
    if (!hasGlobMagic(input)) throw new UserError(`input not found: ${input}`);
    const files = await expandGlob(input);
    if (files.length === 0) throw new UserError(`input ${input}: the pattern matches no file`);
    return files;
  }
  if (info.isFile) return [inputFile(input, info)];
  if (info.isDirectory) {
    const files = await walk(input, () => true, Infinity);
    if (files.length === 0) throw new UserError(`input ${input}: the directory holds no file`);
    return files;
  }
  throw new UserError(`input ${input}: not a file or a directory`);
}

async function expandGlob(pattern: string): Promise<InputFile[]> {
  const { base, rest } = splitGlob(pattern);
  const info = await statOrNull(base);
  if (info === null || !info.isDirectory) return [];
  const matcher = globToRegExp(rest);
  return await walk(base, (relative) => matcher.test(relative), globDepth(rest), rest);
}

/** Files under `root` whose `/`-separated relative path passes `accept`, sorted by that path. */
async function walk(
  root: string,
  accept: (relative: string) => boolean,
  maxDepth: number,
  pattern = "",
): Promise<InputFile[]> {
  const found: { relative: string; file: InputFile }[] = [];
  // Hidden entries are skipped unless the pattern names them (".config/*.txt").
  const allowHidden = pattern.split("/").some((segment) => segment.startsWith("."));
  const visited = new Set<string>();
  const visit = async (directory: string, relativeDir: string, depth: number) => {
    const real = await Deno.realPath(directory);
    if (visited.has(real)) return; // a symlink loop
    visited.add(real);
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(directory));
    } catch (error) {
      throw new UserError(`input ${directory}: cannot list the directory (${describe(error)})`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".") && !allowHidden) continue;
      const path = joinPath(directory, entry.name);
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      const info = entry.isSymlink ? await statOrNull(path) : await Deno.stat(path);
      if (info === null) continue; // a dangling symlink
      if (info.isDirectory) {
        if (depth + 1 < maxDepth) await visit(path, relative, depth + 1);
      } else if (info.isFile && accept(relative)) {
        found.push({ relative, file: inputFile(path, info) });
      }
    }
  };
  await visit(root, "", 0);
  found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return found.map((entry) => entry.file);
}

function joinPath(directory: string, name: string): string {
  if (directory === ".") return name;
  return directory.endsWith("/") ? directory + name : `${directory}/${name}`;
}

function inputFile(path: string, info: Deno.FileInfo): InputFile {
  return { path, bytes: info.size, mtime: info.mtime?.toISOString() ?? null };
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new UserError(`input ${path}: cannot read (${describe(error)})`);
  }
}

async function realKey(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
}
