// A deterministic synthetic weave for tests and the devnet: blocks of txs of prng data with real
// data_roots, tx_roots and paths built by protocol/sync's Merkle code. Blocks follow the post-2.5
// rules (padding entries), so every block and tx starts on the 256 KiB grid, as on mainnet today.
import { createHash } from "node:crypto";
import { sync } from "../../protocol/index.ts";

export interface SyntheticWeaveOptions {
  /** Domain of every prng stream (two labels give two unrelated weaves). */
  label: string;
  blocks: number;
  txsPerBlock: number;
  /** Tx data sizes are drawn in [1, txBytesMax]. */
  txBytesMax: number;
}

export interface WeaveChunk {
  readonly absoluteStart: bigint;
  /** Unpadded end (the packing key offset). */
  readonly absoluteEnd: bigint;
  readonly chunk: Buffer;
  readonly txPath: Uint8Array;
  readonly dataPath: Uint8Array;
  readonly block: number;
}

export interface WeaveBlock {
  readonly height: number;
  readonly indepHash: Buffer;
  readonly txRoot: Uint8Array;
  readonly blockStart: bigint;
  readonly weaveSize: bigint;
  readonly txIds: Buffer[];
}

export function prngStream(label: string, v: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  const counters = Buffer.alloc(8);
  counters.writeUInt32BE(v >>> 0, 0);
  for (let j = 0, at = 0; at < n; j += 1, at += 32) {
    counters.writeUInt32BE(j, 4);
    createHash("sha256").update(label).update(counters).digest().copy(out, at);
  }
  return out;
}

interface TxData {
  id: Buffer;
  data: Buffer;
  tree: sync.MerkleTree;
}

function makeTx(label: string, n: number, txBytesMax: number): TxData {
  const size = 1 + (prngStream(`${label}-size`, n, 4).readUInt32BE(0) % txBytesMax);
  const data = prngStream(`${label}-txdata`, n, size);
  return { id: prngStream(`${label}-txid`, n, 32), data, tree: sync.dataTreeFromData(data) };
}

export class SyntheticWeave {
  readonly blocks: WeaveBlock[] = [];
  /** Every provable chunk, ascending by end (zero-length trailing leaves are not chunks). */
  readonly chunks: WeaveChunk[] = [];

  constructor(readonly opts: SyntheticWeaveOptions) {
    let weaveSize = 0n;
    for (let height = 0; height < opts.blocks; height += 1) {
      const txs = Array.from({ length: opts.txsPerBlock }, (_, i) => makeTx(opts.label, height * opts.txsPerBlock + i, opts.txBytesMax));
      weaveSize = this.addBlock(height, weaveSize, txs);
    }
  }

  get weaveSize(): bigint {
    return this.blocks.at(-1)?.weaveSize ?? 0n;
  }

  private addBlock(height: number, blockStart: bigint, txs: TxData[]): bigint {
    const inputs = txs.map((tx) => ({ format: 2, id: tx.id, dataRoot: tx.tree.root, dataSize: BigInt(tx.data.length) }));
    // Heights are the weave's own; the tree follows the post-2.5 rules (padding) whatever the height.
    const txTree = sync.buildBlockTxTree(inputs, sync.FORK_2_5_HEIGHT);
    for (const entry of txTree.entries) {
      if (entry.kind !== "tx") continue;
      const tx = txs.find((t) => t.id.equals(Buffer.from(entry.tx!.id)))!;
      this.addTxChunks(height, blockStart, entry.start, tx, sync.generateMerklePath(txTree.tree, entry.start));
    }
    const weaveSize = blockStart + txTree.blockSize;
    this.blocks.push({
      height,
      indepHash: prngStream(`${this.opts.label}-bh`, height, 48),
      txRoot: txTree.tree.root,
      blockStart,
      weaveSize,
      txIds: txs.map((t) => t.id),
    });
    return weaveSize;
  }

  private addTxChunks(block: number, blockStart: bigint, txStart: bigint, tx: TxData, txPath: Uint8Array): void {
    let start = 0n;
    for (const end of sync.standardChunkEnds(BigInt(tx.data.length))) {
      if (end === start) continue;
      this.chunks.push({
        absoluteStart: blockStart + txStart + start,
        absoluteEnd: blockStart + txStart + end,
        chunk: tx.data.subarray(Number(start), Number(end)),
        txPath,
        dataPath: sync.generateMerklePath(tx.tree, start),
        block,
      });
      start = end;
    }
  }

  /** The chunk containing 0-based byte `byte` (what GET /chunk/{byte + 1} answers), if any. */
  chunkContaining(byte: bigint): WeaveChunk | undefined {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.chunks[mid]!.absoluteEnd > byte) high = mid;
      else low = mid + 1;
    }
    const found = this.chunks[low];
    return found !== undefined && found.absoluteStart <= byte ? found : undefined;
  }

  blockIndexEntries(): sync.BlockIndexEntry[] {
    return this.blocks.map((b) => ({ hash: b.indepHash, weaveSize: b.weaveSize, txRoot: b.txRoot }));
  }
}
