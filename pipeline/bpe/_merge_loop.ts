/**
 * The BPE merge loop: repeatedly merge the most frequent adjacent pair of symbols in the counted
 * words, until the vocabulary is full.
 *
 * Recounting every pair after each merge would cost O(corpus) per merge. Instead the loop keeps
 *   - the count of every pair (weighted by word counts),
 *   - for every pair, a list of the words it occurs in (a linked list in typed arrays; entries may
 *     go stale when a word changes, and are skipped then),
 *   - a max-heap of pairs by count with lazy deletion (_pair_heap.ts),
 * and when a pair merges it visits only the words that hold it, adjusting the counts of the pairs
 * around each occurrence: (x, a) and (b, y) lose the word's count, (x, ab) and (ab, y) gain it.
 */
import { PairHeap } from "./_pair_heap.ts";
import { PairTable } from "./_pair_table.ts";

/** Distinct words as symbol ids, with their counts. */
export interface WordTable {
  /** All words' symbols, one word after another. */
  symbols: Int32Array;
  /** Word w is `symbols[starts[w], starts[w] + lengths[w])`; merging shortens it in place. */
  starts: Int32Array;
  lengths: Int32Array;
  /** Occurrences of each word in the corpus. */
  counts: Float64Array;
}

/** Settings of `learnMerges`. */
export interface MergeLoopOptions {
  /** Stop when the vocabulary has this many tokens. */
  vocabSize: number;
  /** Stop when the best pair occurs fewer times than this. */
  minFrequency: number;
  /** Called every 1000 merges with the number done. */
  onMerge?: (merges: number) => void;
}

// A copy of `array` with room for `length` elements.
function grow<T extends Int32Array | Float64Array>(array: T, length: number): T {
  const bigger = new (array.constructor as { new (n: number): T })(length);
  bigger.set(array);
  return bigger;
}

/**
 * Learns merges over `words` (whose symbols are ids into `tokens`). Appends the new tokens to
 * `tokens` (a merge whose string already exists reuses that token, as Hugging Face does) and returns
 * the merges in order as [left id, right id].
 */
export function learnMerges(
  words: WordTable,
  tokens: string[],
  options: MergeLoopOptions,
): [number, number][] {
  const { symbols, starts, lengths, counts } = words;
  const wordCount = counts.length;
  const tokenIds = new Map(tokens.map((token, id) => [token, id]));

  // Pairs: index -> left, right, count, head of its word list, last word added to that list.
  const pairIndex = new PairTable(1 << 16);
  let pairLeft = new Int32Array(1 << 16);
  let pairRight = new Int32Array(1 << 16);
  let pairCount = new Float64Array(1 << 16);
  let pairHead = new Int32Array(1 << 16);
  let pairLastWord = new Int32Array(1 << 16);
  let pairTouched = new Uint8Array(1 << 16);
  let pairs = 0;
  // Word-list nodes: one per (pair, word) at first, more as merges form new pairs.
  let initialPairs = 0;
  for (let w = 0; w < wordCount; w++) initialPairs += lengths[w] - 1;
  let nodeWord = new Int32Array(initialPairs + (initialPairs >> 3) + 1024);
  let nodeNext = new Int32Array(nodeWord.length);
  let nodes = 0;
  let freeNode = -1; // nodes of merged pairs' lists, reused before the arrays grow
  const touched: number[] = [];

  const pairOf = (a: number, b: number): number => {
    let p = pairIndex.get(a, b);
    if (p === -1) {
      p = pairs++;
      pairIndex.set(a, b, p);
      if (p >= pairLeft.length) {
        const length = 2 * pairLeft.length;
        pairLeft = grow(pairLeft, length);
        pairRight = grow(pairRight, length);
        pairCount = grow(pairCount, length);
        pairHead = grow(pairHead, length);
        pairLastWord = grow(pairLastWord, length);
        const bigger = new Uint8Array(pairLeft.length);
        bigger.set(pairTouched);
        pairTouched = bigger;
      }
      pairLeft[p] = a;
      pairRight[p] = b;
      pairCount[p] = 0;
      pairHead[p] = -1;
      pairLastWord[p] = -1;
    }
    return p;
  };
  // Records that pair (a, b) occurs `count` more times, in word w.
  const gain = (a: number, b: number, count: number, w: number) => {
    const p = pairOf(a, b);
    pairCount[p] += count;
    if (pairLastWord[p] !== w) { // words are visited one at a time: no duplicate in a row
      pairLastWord[p] = w;
      let node = freeNode;
      if (node !== -1) {
        freeNode = nodeNext[node];
      } else {
        if (nodes === nodeWord.length) { // grow by 1/4: this is the loop's biggest allocation
          nodeWord = grow(nodeWord, nodes + (nodes >> 2));
          nodeNext = grow(nodeNext, nodes + (nodes >> 2));
        }
        node = nodes++;
      }
      nodeWord[node] = w;
      nodeNext[node] = pairHead[p];
      pairHead[p] = node;
    }
    if (!pairTouched[p]) {
      pairTouched[p] = 1;
      touched.push(p);
    }
  };
  const lose = (a: number, b: number, count: number) => {
    pairCount[pairIndex.get(a, b)] -= count;
  };

  for (let w = 0; w < wordCount; w++) {
    const start = starts[w], end = start + lengths[w];
    for (let k = start; k + 1 < end; k++) gain(symbols[k], symbols[k + 1], counts[w], w);
  }
  const heap = new PairHeap(() => pairLeft, () => pairRight);
  const pushTouched = () => {
    for (const p of touched) {
      pairTouched[p] = 0;
      if (pairCount[p] > 0) heap.push(pairCount[p], p);
    }
    touched.length = 0;
  };
  pushTouched();

  const merges: [number, number][] = [];
  const visited = new Int32Array(wordCount).fill(-1); // merge number that last visited each word
  while (tokens.length < options.vocabSize && heap.size > 0) {
    const p = heap.topPair;
    if (heap.topCount !== pairCount[p]) { // stale: put it back with its current count
      heap.pop();
      if (pairCount[p] > 0) heap.push(pairCount[p], p);
      continue;
    }
    if (pairCount[p] < options.minFrequency) break;
    heap.pop();
    const a = pairLeft[p], b = pairRight[p];
    const merged = tokens[a] + tokens[b];
    let c = tokenIds.get(merged);
    if (c === undefined) {
      c = tokens.length;
      tokens.push(merged);
      tokenIds.set(merged, c);
    }
    const mergeNumber = merges.length;
    merges.push([a, b]);

    for (let node = pairHead[p], next = -1; node !== -1; node = next) {
      next = nodeNext[node];
      nodeNext[node] = freeNode; // the pair is merged everywhere: its list goes to the free list
      freeNode = node;
      const w = nodeWord[node];
      if (visited[w] === mergeNumber) continue;
      visited[w] = mergeNumber;
      const start = starts[w], end = start + lengths[w], count = counts[w];
      let out = start;
      for (let k = start; k < end;) {
        if (k + 1 < end && symbols[k] === a && symbols[k + 1] === b) {
          if (out > start) { // the symbol written before (maybe an earlier c of this word)
            lose(symbols[out - 1], a, count);
            gain(symbols[out - 1], c, count, w);
          }
          if (k + 2 < end) {
            lose(b, symbols[k + 2], count);
            gain(c, symbols[k + 2], count, w);
          }
          symbols[out++] = c;
          k += 2;
        } else {
          symbols[out++] = symbols[k++];
        }
      }
      lengths[w] = out - start;
    }
    pairCount[p] = 0;
    pairHead[p] = -1;
    pairLastWord[p] = -1;
    pushTouched();
    // Stale entries pile up in the heap; past twice the number of pairs, start it afresh.
    if (heap.size > 2 * pairs + 65536) {
      heap.clear();
      for (let q = 0; q < pairs; q++) if (pairCount[q] > 0) heap.push(pairCount[q], q);
    }
    if (options.onMerge && merges.length % 1000 === 0) options.onMerge(merges.length);
  }
  return merges;
}
