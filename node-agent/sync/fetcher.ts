// Fetches one chunk from the peers and proves it before anyone packs it: tx_path and data_path
// against the block's tx_root, bounds, then SHA256 of the (unpacked) bytes. A peer that answers with
// anything else is counted (peer, reason) and the next peer is asked.
import { sync } from "../../protocol/index.ts";
import { NoValidReplyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AgentMetrics } from "../metrics.ts";
import type { Packer } from "../packing/packer.ts";
import type { BlockRange } from "../storage/records.ts";
import type { BlockMap } from "./block-map.ts";
import type { ChunkSource } from "./source.ts";

export interface FetchedChunk {
  readonly proven: sync.ProvenChunk;
  /** Unpacked chunk bytes (exactly chunkSizeBytes). */
  readonly chunk: Uint8Array;
  readonly txPath: Uint8Array;
  readonly dataPath: Uint8Array;
  readonly block: BlockRange;
  readonly peer: string;
}

export interface FetcherOptions {
  sources: readonly ChunkSource[];
  blocks: BlockMap;
  rules: sync.DataPathRules;
  /** Unpacks replies a peer sends packed (with the peer's address). */
  packer: Packer;
  metrics: AgentMetrics;
  log: Logger;
}

type Attempt = { type: "ok"; chunk: FetchedChunk } | { type: "missing" } | { type: "bad"; reason: string; detail: string };

export class ChunkFetcher {
  private next = 0;

  constructor(private readonly opts: FetcherOptions) {}

  /** The proven chunk at a 1-based offset; undefined if no peer has it; NoValidReplyError if all lied or failed. */
  async fetch(offset1Based: bigint): Promise<FetchedChunk | undefined> {
    const { sources } = this.opts;
    // Rotate the first peer so load spreads; every peer is tried at most once per offset.
    const first = this.next++ % sources.length;
    const problems: string[] = [];
    let missing = 0;
    for (let i = 0; i < sources.length; i += 1) {
      const source = sources[(first + i) % sources.length]!;
      const attempt = await this.tryPeer(source, offset1Based);
      if (attempt.type === "ok") return attempt.chunk;
      if (attempt.type === "missing") {
        missing += 1;
        continue;
      }
      this.opts.metrics.chunkRejected(source.name, attempt.reason);
      this.opts.log({ event: "sync_chunk_rejected", peer: source.name, offset: offset1Based.toString(), reason: attempt.reason, detail: attempt.detail });
      problems.push(`${source.name}: ${attempt.reason}`);
    }
    if (missing === sources.length) return undefined;
    throw new NoValidReplyError(`offset ${offset1Based}: no valid reply (${problems.join("; ")})`);
  }

  private async tryPeer(source: ChunkSource, offset: bigint): Promise<Attempt> {
    const bucketBased = offset > sync.STRICT_DATA_SPLIT_THRESHOLD_BYTES;
    const started = performance.now();
    let reply: sync.ChunkReply | undefined;
    try {
      reply = await source.chunk(offset, bucketBased);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "ERR_UNKNOWN";
      return { type: "bad", reason: code, detail: (err as Error).message };
    }
    if (reply === undefined) return { type: "missing" };
    const block = this.opts.blocks.blockAt(sync.proofSeekByte(offset, bucketBased));
    if (block === undefined) return { type: "missing" };
    const checked = await this.prove(reply, offset, bucketBased, block);
    if (!checked.ok) return { type: "bad", reason: checked.error.code, detail: checked.error.message };
    this.opts.metrics.chunkFetched(source.name, (performance.now() - started) / 1000);
    const chunk: FetchedChunk = { proven: checked.value.proven, chunk: checked.value.chunk, txPath: reply.txPath, dataPath: reply.dataPath, block, peer: source.name };
    return { type: "ok", chunk };
  }

  private async prove(
    reply: sync.ChunkReply,
    offset: bigint,
    bucketBased: boolean,
    block: BlockRange,
  ): Promise<sync.Result<{ proven: sync.ProvenChunk; chunk: Uint8Array }, { code: string; message: string }>> {
    const request: sync.ChunkProofRequest = {
      txRoot: block.txRoot,
      blockStart: block.start,
      blockSize: block.end - block.start,
      requestedOffset: offset,
      bucketBased,
      txPath: reply.txPath,
      dataPath: reply.dataPath,
      rules: this.opts.rules,
    };
    const paths = sync.validateChunkProofPaths(request);
    if (!paths.ok) return paths;
    const unpacked = await this.unpacked(reply, paths.value, block);
    if (!unpacked.ok) return unpacked;
    const bytesError = sync.checkChunkBytes(paths.value, unpacked.value);
    if (bytesError !== undefined) return { ok: false, error: bytesError };
    return { ok: true, value: { proven: paths.value, chunk: unpacked.value } };
  }

  /** A packed reply is unpacked with the peer's own address before its id can be checked. */
  private async unpacked(reply: sync.ChunkReply, proven: sync.ProvenChunk, block: BlockRange): Promise<sync.Result<Uint8Array, { code: string; message: string }>> {
    if (reply.packing.kind === "unpacked") return { ok: true, value: reply.chunk };
    if (reply.packing.kind !== "spora_2_6") return { ok: false, error: { code: "ERR_SYNC_UNSUPPORTED_PACKING", message: reply.packing.kind } };
    try {
      const chunk = await this.opts.packer.unpack(proven.absoluteEnd, block.txRoot, reply.packing.rewardAddress, reply.chunk, proven.chunkSizeBytes);
      return { ok: true, value: chunk };
    } catch (err) {
      return { ok: false, error: { code: (err as { code?: string }).code ?? "ERR_UNPACK", message: (err as Error).message } };
    }
  }
}
