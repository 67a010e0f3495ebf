/**
 * The share rule of `--shard I/N`: which of N disjoint shares each part of a source belongs to.
 *
 * The parts, in input order, are the input files, the default corpus's 100 files, and the members
 * of each tar archive (a file whose name says tar: `.tar`, `.tgz`, `.tar.xz`, ...; the members of
 * its outermost level, hidden ones left out as everywhere). Each part goes to the share with the
 * fewest bytes so far, ties to the lowest index; a file weighs its size on disk (stat), a member
 * the size in its tar header. So the shares depend only on the parts' sizes and order and on N,
 * never on timing or on the machine, and they differ by at most one part's size.
 *
 * Every share reads each archive whole (its outer compression is one stream) and keeps only its
 * members; the rule goes through the members as they come, from the share totals before the
 * archive. An archive followed by other parts is listed once at the start (headers only) so the
 * totals after it are known.
 */
import { formatFromName } from "./format.ts";
import { checkShard } from "./shard.ts";
import type { ReadStats, Shard, SourcePart } from "./types.ts";

/** The running totals of the share rule: bytes given to each share so far. */
export class ShareLoads {
  readonly loads: number[];

  constructor(count: number, loads?: readonly number[]) {
    this.loads = loads ? [...loads] : new Array(count).fill(0);
  }

  /** The share a part of `bytes` goes to (the one with the fewest bytes, ties to the lowest). */
  assign(bytes: number): number {
    let best = 0;
    for (let k = 1; k < this.loads.length; k++) if (this.loads[k] < this.loads[best]) best = k;
    this.loads[best] += bytes;
    return best;
  }
}

/** Whether the share rule goes through a file's members (its name says tar). */
export function isArchivePart(part: SourcePart): part is SourcePart & { kind: "file" } {
  return part.kind === "file" && formatFromName(part.file.path).container === "tar";
}

/**
 * The parts share `shard.index` reads, in input order: the files and default-corpus files the rule
 * gives it, and every tar archive as an `archive-share` part (read whole, its members filtered).
 * `listMembers` gives the sizes of an archive's members (only called for an archive followed by
 * other parts).
 */
export async function planShare(
  parts: readonly SourcePart[],
  shard: Shard,
  listMembers: (part: SourcePart & { kind: "file" }) => Promise<number[]>,
): Promise<SourcePart[]> {
  checkShard(shard);
  const loads = new ShareLoads(shard.count);
  const mine: SourcePart[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (isArchivePart(part)) {
      mine.push({
        kind: "archive-share",
        file: part.file,
        share: { ...shard, loads: [...loads.loads] },
      });
      if (k < parts.length - 1) { for (const size of await listMembers(part)) loads.assign(size); }
    } else if (loads.assign(partBytes(part)) === shard.index) {
      mine.push(part);
    }
  }
  return mine;
}

/** The bytes a part weighs (a file's size on disk). */
export function partBytes(part: SourcePart): number {
  return part.kind === "default-corpus" ? part.bytes : part.file.bytes;
}

/** A member filter that keeps the members the rule gives to `share.index`, from `share.loads`. */
export function memberFilter(share: { index: number; count: number; loads: number[] }) {
  const loads = new ShareLoads(share.count, share.loads);
  return (_name: string, size: number) => loads.assign(size) === share.index;
}

/** Counters nobody reads (a listing pass). */
export function scratchStats(): ReadStats {
  return { documents: 0, inputBytes: 0, textBytes: 0, invalidUtf8: 0 };
}
