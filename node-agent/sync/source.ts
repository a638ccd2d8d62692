// Where chunks come from. Sources are untrusted: everything they return is checked by the fetcher.
import type { sync } from "../../protocol/index.ts";

export interface ChunkSource {
  /** For logs and metric labels. */
  readonly name: string;
  /** Current height (GET /info). */
  height(): Promise<number>;
  /** Block index entries for heights [from, to], oldest first. */
  blockIndex(from: number, to: number): Promise<sync.BlockIndexEntry[]>;
  /** GET /chunk/{offset} (1-based); undefined when the peer does not have it (404). */
  chunk(offset1Based: bigint, bucketBased: boolean): Promise<sync.ChunkReply | undefined>;
}
