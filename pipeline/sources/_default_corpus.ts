/**
 * The embedded default corpus: the npm package `nlp-corpus` (100,000 English sentences in
 * `builds/doc-0.json` .. `doc-99.json`, 1,000 each, about 9 MB), one sentence per document. It lets
 * `deno task tokenize` run on a fresh machine without a download.
 */
import "nlp-corpus"; // keeps the package in the module graph, so Deno installs it
import { fileURLToPath } from "node:url";
import { UserError } from "../../core/user_error.ts";
import { describe } from "./_errors.ts";
import type { InputFile } from "./types.ts";

const FILE_COUNT = 100;

/** Where the package's sentence files are, with their sizes. */
export interface DefaultCorpus {
  /** The single input entry reported for the corpus: path `npm:nlp-corpus@VERSION`, no mtime. */
  input: InputFile;
  /** Absolute paths of `builds/doc-0.json` .. `builds/doc-99.json`, in order. */
  files: string[];
  /** Their sizes in bytes. */
  sizes: number[];
}

/**
 * Finds the package through the module resolver (not the working directory): the folder above its entry
 * point that holds its package.json.
 */
export async function locateDefaultCorpus(): Promise<DefaultCorpus> {
  let directory: string;
  let version: string;
  try {
    directory = fileURLToPath(new URL(".", import.meta.resolve("nlp-corpus")));
    while (true) {
      const packageJson = await Deno.readTextFile(`${directory}/package.json`).catch(() => null);
      if (packageJson !== null && JSON.parse(packageJson).name === "nlp-corpus") {
        version = JSON.parse(packageJson).version;
        break;
      }
      const parent = directory.replace(/\/[^/]*\/?$/, "");
      if (parent === directory || parent === "") throw new Error("package.json not found");
      directory = parent;
    }
  } catch (error) {
    throw new UserError(
      `the default corpus (npm package nlp-corpus) is not installed: ${describe(error)}`,
    );
  }
  const files: string[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < FILE_COUNT; i++) {
    const path = `${directory}/builds/doc-${i}.json`;
    try {
      sizes.push((await Deno.stat(path)).size);
    } catch (error) {
      throw new UserError(`the default corpus is incomplete: ${path} (${describe(error)})`);
    }
    files.push(path);
  }
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  return { input: { path: `npm:nlp-corpus@${version}`, bytes, mtime: null }, files, sizes };
}
