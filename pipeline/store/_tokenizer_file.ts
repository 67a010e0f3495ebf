/** The tokenizer.json a store is written with, as the store needs it. */
import { Tokenizer } from "../bpe/mod.ts";
import { UserError } from "../../core/user_error.ts";
import { sha256Hex } from "../../core/sha256.ts";

/** A tokenizer.json: its bytes, text, sha256 and what it defines. */
export interface TokenizerFile {
  bytes: Uint8Array<ArrayBuffer>;
  text: string;
  sha256: string;
  vocabSize: number;
  eotId: number;
}

/** The file form of a tokenizer (`bytes` its tokenizer.json). */
export async function tokenizerFileOf(
  bytes: Uint8Array<ArrayBuffer>,
  tokenizer: Tokenizer,
): Promise<TokenizerFile> {
  return {
    bytes,
    text: new TextDecoder().decode(bytes),
    sha256: await sha256Hex(bytes),
    vocabSize: tokenizer.vocabSize,
    eotId: tokenizer.eotId,
  };
}

/** A `--tokenizer` file, parsed (once) to check it is a tokenizer whose ids fit in uint32. */
export async function readTokenizerFile(path: string): Promise<TokenizerFile> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new UserError(`${path}: cannot read the tokenizer (${why})`);
  }
  const tokenizer = Tokenizer.fromJson(new TextDecoder().decode(bytes), path);
  if (tokenizer.vocabSize > 2 ** 32) {
    throw new UserError(`${path}: ${tokenizer.vocabSize} ids do not fit in uint32`);
  }
  return await tokenizerFileOf(bytes, tokenizer);
}
