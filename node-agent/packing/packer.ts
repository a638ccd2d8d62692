// The native spora_2_6 packer behind a small interface: keys from (unpadded end, tx_root, address),
// batches packed in place on the libuv pool with a fixed number of RandomX VMs.
import { packingKey, packInPlace, unpackChunk, padChunk, type RandomxContext } from "../../native/index.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";

export interface PackerOptions {
  /** RandomX programs per entropy: 360 for spora_2_6 (smaller values only make test data). */
  programCount: number;
  /** Chunks packed concurrently by one batch (one VM each). */
  threads: number;
}

export interface PackItem {
  readonly absoluteEnd: bigint;
  readonly txRoot: Uint8Array;
  readonly chunk: Uint8Array;
}

export class Packer {
  constructor(
    private readonly ctx: RandomxContext,
    readonly opts: PackerOptions,
  ) {}

  key(absoluteEnd: bigint, txRoot: Uint8Array, address: Uint8Array): Buffer {
    return packingKey(absoluteEnd, txRoot, address);
  }

  /** Packs a batch; returns one 256 KiB slot per item (views into one buffer). */
  async pack(items: readonly PackItem[], address: Uint8Array): Promise<Buffer[]> {
    const keys = Buffer.alloc(items.length * 32);
    const slots = Buffer.alloc(items.length * CHUNK_BYTES);
    items.forEach((item, i) => {
      this.key(item.absoluteEnd, item.txRoot, address).copy(keys, i * 32);
      padChunk(item.chunk, slots.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    });
    const threads = Math.min(this.opts.threads, items.length);
    await packInPlace(this.ctx, keys, slots, { threads, programCount: this.opts.programCount });
    return items.map((_, i) => slots.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  }

  /** Unpacks one slot and strips its padding (BadPaddingError from native if the pad is not zero). */
  unpack(absoluteEnd: bigint, txRoot: Uint8Array, address: Uint8Array, packed: Uint8Array, chunkSize: number): Promise<Buffer> {
    const key = this.key(absoluteEnd, txRoot, address);
    return unpackChunk(this.ctx, key, packed, chunkSize, { programCount: this.opts.programCount });
  }
}
