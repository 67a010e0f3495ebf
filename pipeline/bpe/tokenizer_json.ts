/**
 * Reading and writing the Hugging Face `tokenizer.json` format for a byte-level BPE tokenizer: a BPE
 * model (vocab and merges), the ByteLevel pre-tokenizer and decoder, and the added tokens.
 *
 * Only what changes the ids is interpreted; configurations we cannot reproduce exactly (a normalizer,
 * an unknown token, dropout, a template post-processor...) are refused with a UserError rather than
 * silently encoded differently from Hugging Face.
 */
import { UserError } from "../../core/user_error.ts";
import type { AddedToken } from "./special_tokens.ts";

/** Everything that defines a byte-level BPE tokenizer, as stored in tokenizer.json. */
export interface BpeDefinition {
  /** Token string (bytes written with GPT-2's stand-in characters) -> id. */
  vocab: Map<string, number>;
  /** Merges in rank order: the pair merged first comes first. */
  merges: [string, string][];
  /** Tokens matched in raw text before pre-tokenization (`<|endoftext|>`). */
  addedTokens: AddedToken[];
  /** Hugging Face's `ignore_merges`: a word found whole in the vocabulary is one token. */
  ignoreMerges: boolean;
  /** ByteLevel `add_prefix_space`: a space is put before text that does not start with one. */
  addPrefixSpace: boolean;
}

// Ids index arrays of this size; no real vocabulary comes near (GPT-4's has 100k tokens).
const MAX_ID = 1 << 24;

const BYTE_LEVEL =
  '{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}';

/**
 * Serialises a definition as Hugging Face `tokenizer.json`. The output is a pure function of the
 * definition (vocab written in id order, merges in rank order), so the same tokenizer always gives
 * the same bytes.
 */
export function writeTokenizerJson(definition: BpeDefinition): string {
  const q = JSON.stringify;
  const added = definition.addedTokens.map((token) =>
    `    {"id":${token.id},"content":${q(token.content)},"single_word":false,"lstrip":false,` +
    `"rstrip":false,"normalized":false,"special":${token.special}}`
  );
  const vocab = [...definition.vocab].sort((a, b) => a[1] - b[1])
    .map(([token, id]) => `      ${q(token)}: ${id}`);
  const merges = definition.merges.map(([a, b]) => `      [${q(a)}, ${q(b)}]`);
  const preTokenizer = definition.addPrefixSpace
    ? BYTE_LEVEL.replace('"add_prefix_space":false', '"add_prefix_space":true')
    : BYTE_LEVEL;
  return [
    "{",
    '  "version": "1.0",',
    '  "truncation": null,',
    '  "padding": null,',
    `  "added_tokens": [${added.length ? `\n${added.join(",\n")}\n  ` : ""}],`,
    '  "normalizer": null,',
    `  "pre_tokenizer": ${preTokenizer},`,
    `  "post_processor": ${BYTE_LEVEL},`,
    `  "decoder": ${BYTE_LEVEL},`,
    '  "model": {',
    '    "type": "BPE",',
    '    "dropout": null,',
    '    "unk_token": null,',
    '    "continuing_subword_prefix": null,',
    '    "end_of_word_suffix": null,',
    '    "fuse_unk": false,',
    '    "byte_fallback": false,',
    `    "ignore_merges": ${definition.ignoreMerges},`,
    `    "vocab": {${vocab.length ? `\n${vocab.join(",\n")}\n    ` : ""}},`,
    `    "merges": [${merges.length ? `\n${merges.join(",\n")}\n    ` : ""}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a Hugging Face `tokenizer.json` holding a byte-level BPE tokenizer. `source` (a file name)
 * prefixes every error message.
 */
export function readTokenizerJson(json: string, source = "tokenizer.json"): BpeDefinition {
  const fail = (why: string): never => {
    throw new UserError(`${source}: ${why}`);
  };
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch (error) {
    fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(root)) return fail("expected a JSON object");
  const model = root.model;
  if (!isObject(model)) return fail('no "model" object');
  if (model.type !== undefined && model.type !== "BPE") {
    fail(`model type ${q(model.type)} is not supported (only BPE)`);
  }
  const unsupported = (what: string, value: unknown, allowed: unknown[]) => {
    if (value !== undefined && !allowed.includes(value)) {
      fail(`${what} ${q(value)} is not supported`);
    }
  };
  unsupported("model.unk_token", model.unk_token, [null]);
  unsupported("model.dropout", model.dropout, [null, 0]);
  unsupported("model.byte_fallback", model.byte_fallback, [false]);
  unsupported("model.continuing_subword_prefix", model.continuing_subword_prefix, [null, ""]);
  unsupported("model.end_of_word_suffix", model.end_of_word_suffix, [null, ""]);
  unsupported("normalizer", root.normalizer, [null]);

  const byteLevel = (what: string, value: unknown): Json | null => {
    if (value === null || value === undefined) return null;
    if (!isObject(value) || value.type !== "ByteLevel") {
      return fail(
        `${what} ${q(isObject(value) ? value.type : value)} is not supported (only ByteLevel)`,
      );
    }
    return value;
  };
  const preTokenizer = byteLevel("pre_tokenizer", root.pre_tokenizer);
  if (!preTokenizer) fail("no ByteLevel pre_tokenizer: this is not a byte-level BPE tokenizer");
  if (preTokenizer?.use_regex === false) fail("pre_tokenizer use_regex false is not supported");
  byteLevel("decoder", root.decoder);
  byteLevel("post_processor", root.post_processor);

  if (!isObject(model.vocab)) return fail('model has no "vocab" object');
  const vocab = new Map<string, number>();
  const tokenOfId = new Map<number, string>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= MAX_ID) {
      fail(`vocab entry ${q(token)} has id ${q(id)} (expected a whole number below ${MAX_ID})`);
    }
    const other = tokenOfId.get(id as number);
    if (other !== undefined) fail(`vocab id ${id} is given to both ${q(other)} and ${q(token)}`);
    tokenOfId.set(id as number, token);
    vocab.set(token, id as number);
  }
  if (!Array.isArray(model.merges)) return fail('model has no "merges" array');
  const merges = model.merges.map((merge, rank): [string, string] => {
    const pair = typeof merge === "string" ? merge.split(" ") : merge;
    if (
      !Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" ||
      typeof pair[1] !== "string"
    ) {
      return fail(`merge ${rank} ${q(merge)} is not a pair of tokens`);
    }
    for (const part of [pair[0], pair[1], pair[0] + pair[1]]) {
      if (!vocab.has(part)) fail(`merge ${rank} ${q(merge)}: ${q(part)} is not in the vocab`);
    }
    return [pair[0], pair[1]];
  });

  const addedTokens: AddedToken[] = [];
  const addedList = root.added_tokens ?? [];
  if (!Array.isArray(addedList)) return fail('"added_tokens" is not an array');
  for (const token of addedList) {
    if (!isObject(token) || typeof token.content !== "string" || !Number.isInteger(token.id)) {
      return fail(`added token ${q(token)} needs a string "content" and an integer "id"`);
    }
    for (const flag of ["single_word", "lstrip", "rstrip"]) {
      if (token[flag] === true) fail(`added token ${q(token.content)}: ${flag} is not supported`);
    }
    const id = token.id as number;
    if (id < 0 || id >= MAX_ID) fail(`added token ${q(token.content)} has id ${id}`);
    const other = tokenOfId.get(id);
    if (other !== undefined && other !== token.content) {
      fail(`added token ${q(token.content)} has the id ${id} of vocab token ${q(other)}`);
    }
    addedTokens.push({ id, content: token.content, special: token.special === true });
  }
  return {
    vocab,
    merges,
    addedTokens,
    ignoreMerges: model.ignore_merges === true,
    addPrefixSpace: preTokenizer?.add_prefix_space === true,
  };
}

function q(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
