// An Arweave peer over its HTTP API (GET /info, /block_index/{from}/{to}, /chunk/{offset}).
// Bodies are size-checked by the protocol codecs; every request has a timeout.
import { sync } from "../../protocol/index.ts";
import { PeerHttpError, PeerTimeoutError } from "../errors.ts";
import type { ChunkSource } from "./source.ts";

/** Immediate retries of a request whose connection failed (not timed out). */
export const connectRetriesMax = 1;

export interface HttpPeerOptions {
  /** Base URL, e.g. http://10.0.0.5:1984 */
  url: string;
  requestTimeoutMs: number;
}

export class HttpPeer implements ChunkSource {
  readonly name: string;

  constructor(private readonly opts: HttpPeerOptions) {
    this.name = new URL(opts.url).host;
  }

  async height(): Promise<number> {
    const body = await this.get("/info", {});
    const info = JSON.parse(new TextDecoder().decode(body!)) as { height?: unknown };
    if (typeof info.height !== "number" || !Number.isSafeInteger(info.height)) throw new sync.MalformedPayloadError("height", "not an integer");
    return info.height;
  }

  async blockIndex(from: number, to: number): Promise<sync.BlockIndexEntry[]> {
    const entries: sync.BlockIndexEntry[] = [];
    for (let first = from; first <= to; first += sync.BLOCK_INDEX_RANGE_ENTRIES_MAX) {
      const last = Math.min(to, first + sync.BLOCK_INDEX_RANGE_ENTRIES_MAX - 1);
      // Any x-block-format other than 2 asks for full entries (hash, weave_size, tx_root).
      const decoded = sync.decodeBlockIndexJson((await this.get(`/block_index/${first}/${last}`, { "x-block-format": "3" }))!);
      if (decoded.kind !== "entries") throw new sync.MalformedPayloadError("block_index", "expected full entries");
      entries.push(...[...decoded.entriesNewestFirst].reverse());
    }
    return entries;
  }

  async chunk(offset1Based: bigint, bucketBased: boolean): Promise<sync.ChunkReply | undefined> {
    const headers: Record<string, string> = { "x-packing": "unpacked" };
    if (bucketBased) headers["x-bucket-based-offset"] = "true";
    const body = await this.get(`/chunk/${offset1Based}`, headers, true);
    return body === undefined ? undefined : sync.decodeChunkJson(body);
  }

  private async get(path: string, headers: Record<string, string>, notFoundIsEmpty = false): Promise<Uint8Array | undefined> {
    let res: Response | undefined;
    // A kept-alive socket the peer closed while idle fails the next request at once: retry those
    // (GETs are idempotent), never timeouts.
    for (let attempt = 0; res === undefined; attempt += 1) {
      try {
        res = await fetch(new URL(path, this.opts.url), { headers, signal: AbortSignal.timeout(this.opts.requestTimeoutMs) });
      } catch (err) {
        if ((err as Error).name === "TimeoutError") throw new PeerTimeoutError(this.name, path, this.opts.requestTimeoutMs, err);
        if (attempt >= connectRetriesMax) throw new PeerHttpError(this.name, 0, path, err);
      }
    }
    if (res.status === 404 && notFoundIsEmpty) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new PeerHttpError(this.name, res.status, path);
    }
    return new Uint8Array(await res.arrayBuffer());
  }
}
