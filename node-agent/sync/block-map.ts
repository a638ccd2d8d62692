// Block ranges (start, end, tx_root) from a block index: the containing block of any byte gives the
// proof's tx_root and block start, and the packing key's tx_root.
import { sync } from "../../protocol/index.ts";
import type { BlockRange } from "../storage/records.ts";

export class BlockMap {
  private constructor(
    private readonly entries: readonly sync.BlockIndexEntry[],
    readonly weaveSize: bigint,
  ) {}

  /** `entries` oldest first, starting at genesis. */
  static fromEntries(entries: readonly sync.BlockIndexEntry[]): BlockMap {
    return new BlockMap(entries, entries.at(-1)?.weaveSize ?? 0n);
  }

  blockAt(byte: bigint): BlockRange | undefined {
    const found = sync.findContainingBlock(this.entries, byte);
    return found === undefined ? undefined : { start: found.blockStart, end: found.blockEnd, txRoot: found.block.txRoot };
  }

  /** Non-empty block ranges overlapping [start, end). */
  rangesOverlapping(start: bigint, end: bigint): BlockRange[] {
    const ranges: BlockRange[] = [];
    let previous = 0n;
    for (const e of this.entries) {
      if (e.weaveSize > previous && e.weaveSize > start && previous < end) ranges.push({ start: previous, end: e.weaveSize, txRoot: e.txRoot });
      previous = e.weaveSize;
    }
    return ranges;
  }
}
