// Serves a SyntheticWeave through the Arweave HTTP API a syncing node uses (GET /info,
// /block_index/{from}/{to}, /block/height/{h}, /chunk/{offset}, /data_sync_record), so tests and the
// devnet exercise the real client. `faults` lets a test make this peer lie about chosen chunks.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sync } from "../../protocol/index.ts";
import type { SyntheticWeave, WeaveChunk } from "./synthetic.ts";

export interface WeaveFaults {
  /** Unpadded chunk ends whose chunk bytes are served with one byte flipped. */
  corruptChunkEnds: Set<bigint>;
  /** Unpadded chunk ends whose data_path is served with one byte flipped. */
  corruptDataPathEnds: Set<bigint>;
  /** Answer every request with 503 (a peer that is not joined). */
  unavailable: boolean;
  /**
   * Serve chunks packed (spora_2_6 with `address`), as a miner that stores only packed data does,
   * whatever x-packing asked for. `pack` returns the 256 KiB packed slot.
   */
  packed: { address: Uint8Array; pack: (c: WeaveChunk, txRoot: Uint8Array) => Promise<Uint8Array> } | undefined;
}

export interface WeaveServer {
  url: string;
  faults: WeaveFaults;
  /** Chunk requests served, by 1-based offset asked. */
  chunkRequests: bigint[];
  close(): Promise<void>;
}

function flipped(bytes: Uint8Array, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at % copy.length]! ^= 0x01;
  return copy;
}

async function chunkBody(weave: SyntheticWeave, c: WeaveChunk, faults: WeaveFaults): Promise<string> {
  const chunk = faults.packed === undefined ? c.chunk : await faults.packed.pack(c, weave.blocks[c.block]!.txRoot);
  return sync.encodeChunkJson({
    chunk: faults.corruptChunkEnds.has(c.absoluteEnd) ? flipped(chunk, 17) : chunk,
    txPath: c.txPath,
    dataPath: faults.corruptDataPathEnds.has(c.absoluteEnd) ? flipped(c.dataPath, 5) : c.dataPath,
    packing: faults.packed === undefined ? { kind: "unpacked" } : { kind: "spora_2_6", rewardAddress: faults.packed.address },
    absoluteEndOffset: c.absoluteEnd,
    chunkSize: BigInt(c.chunk.length),
  });
}

async function route(weave: SyntheticWeave, server: WeaveServer, req: IncomingMessage): Promise<{ status: number; body: string }> {
  if (server.faults.unavailable) return { status: 503, body: "not_joined" };
  const parts = (req.url ?? "/").split("?")[0]!.split("/").filter((p) => p !== "");
  const height = weave.blocks.length - 1;
  if (parts[0] === "info" && parts.length === 1) {
    return { status: 200, body: JSON.stringify({ network: "arkube.synthetic", height, blocks: height + 1, current: "", peers: 0 }) };
  }
  if (parts[0] === "block_index" && parts.length === 3) {
    const from = Number(parts[1]);
    const to = Math.min(Number(parts[2]), height);
    if (!(from >= 0 && from <= to)) return { status: 400, body: "invalid_range" };
    return { status: 200, body: sync.encodeBlockIndexJson(weave.blockIndexEntries().slice(from, to + 1).reverse()) };
  }
  if (parts[0] === "chunk" && parts.length === 2 && /^[0-9]{1,78}$/.test(parts[1]!)) {
    const offset = BigInt(parts[1]!);
    server.chunkRequests.push(offset);
    const c = offset >= 1n ? weave.chunkContaining(offset - 1n) : undefined;
    return c === undefined ? { status: 404, body: "not_found" } : { status: 200, body: await chunkBody(weave, c, server.faults) };
  }
  if (parts[0] === "data_sync_record" && parts.length === 1) {
    return { status: 200, body: sync.encodeSyncRecordJson(weave.weaveSize > 0n ? [{ end: weave.weaveSize, start: 0n }] : []) };
  }
  return { status: 404, body: "not_found" };
}

export async function startWeaveServer(weave: SyntheticWeave, listen: { host?: string; port?: number } = {}): Promise<WeaveServer> {
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(weave, handle, req)
      .catch((err: unknown) => ({ status: 500, body: String((err as Error).message) }))
      .then(({ status, body }) => {
        res.writeHead(status, { "content-type": status === 200 ? "application/json" : "text/plain" });
        res.end(body);
      });
  });
  const host = listen.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => http.listen(listen.port ?? 0, host, resolve));
  const { port } = http.address() as AddressInfo;
  const handle: WeaveServer = {
    url: `http://${host}:${port}`,
    faults: { corruptChunkEnds: new Set(), corruptDataPathEnds: new Set(), unavailable: false, packed: undefined },
    chunkRequests: [],
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return handle;
}
