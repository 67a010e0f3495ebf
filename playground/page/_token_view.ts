/// <reference lib="dom" />
/**
 * The token view: the window's tokens as boxes (prompt and output coloured apart, the id on hover)
 * and, for the selected token's word, its BPE merges from bytes to the final tokens.
 */
import type { Tokenizer } from "../../pipeline/bpe/tokenizer.ts";
import { mergeSteps } from "../merge_steps.ts";
import { byTestId, element } from "./_dom.ts";

// GPT-2's pre-tokenizer pattern (openai/gpt-2, encoder.py): the words BPE merges within.
const WORD = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Draws `ids` (the first `promptLength` are the prompt's); a click calls `onSelect(position)`. */
export function drawTokens(
  tokenizer: Tokenizer,
  ids: readonly number[],
  promptLength: number,
  selected: number,
  onSelect: (position: number) => void,
): void {
  const box = byTestId("tokens");
  box.replaceChildren();
  box.dataset.tokenIds = ids.join(",");
  ids.forEach((id, position) => {
    const span = element(
      "span",
      tokenizer.decode([id]),
      position < promptLength ? "" : "generated",
    );
    span.dataset.testid = "token";
    span.dataset.id = String(id);
    span.dataset.position = String(position);
    span.title = `id ${id} · ${JSON.stringify(tokenizer.token(id) ?? "")}`;
    if (position === selected) span.classList.add("selected");
    span.addEventListener("click", () => onSelect(position));
    box.append(span);
  });
  const word = wordAt(tokenizer, ids, selected);
  const input = byTestId<HTMLInputElement>("merge-word");
  input.value = word;
  input.onchange = () => drawMerges(tokenizer, input.value);
  drawMerges(tokenizer, word);
}

/** Lists the merges of `word`: one line per step, the pair merged and the symbols after it. */
export function drawMerges(tokenizer: Tokenizer, word: string): void {
  const list = byTestId("merges");
  list.replaceChildren();
  const steps = word ? mergeSteps(tokenizer.definition, word) : [];
  const ids = steps.at(-1)?.symbols.map((symbol) => tokenizer.definition.vocab.get(symbol));
  list.dataset.tokenIds = ids?.join(",") ?? "";
  for (const step of steps) {
    const what = step.merge
      ? `merge ${step.merge.rank}: ${step.merge.left} + ${step.merge.right} →`
      : "bytes:";
    list.append(element("li", `${what} ${step.symbols.join(" · ")}`));
  }
}

/** The pre-tokenized word of the decoded text that holds token `position`'s first character. */
function wordAt(tokenizer: Tokenizer, ids: readonly number[], position: number): string {
  if (position < 0 || position >= ids.length) return "";
  const text = tokenizer.decode(ids);
  const start = tokenizer.decode(ids.slice(0, position)).length;
  for (const match of text.matchAll(WORD)) {
    if (match.index + match[0].length > start) return match[0];
  }
  return "";
}
