// Loads the sync vector files and gives them types (only the fields the tests read).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** ARKUBE_VECTORS_DIR overrides the shared checkout next to the repository (../shared/vectors). */
function vectorsDir(): string {
  const fromEnv = process.env["ARKUBE_VECTORS_DIR"];
  if (fromEnv !== undefined && fromEnv !== "") return join(fromEnv, "sync");
  return fileURLToPath(new URL("../../../../shared/vectors/sync/", import.meta.url));
}

function loadJson(name: string): unknown {
  return JSON.parse(readFileSync(join(vectorsDir(), name), "utf8")) as unknown;
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function b64url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64url"));
}

export interface PathResultVector {
  ok: boolean;
  leaf_hex?: string;
  start?: number;
  end?: number;
}

export interface ValidateVector {
  dests: number[];
  right_bound: number;
  results: Record<string, PathResultVector>;
}

export interface AdmissionVector {
  ok: boolean;
  end_offset?: number;
  passes_strict_data_split?: boolean;
  passes_strict_borders?: boolean;
  passes_offset_rebase_support?: boolean;
}

export interface ChunkVector {
  index: number;
  start: number;
  end: number;
  size: number;
  chunk_id_hex?: string;
  data_path_hex?: string;
  data_path_len?: number;
  zero_length?: boolean;
  has_leading_rebase_marker?: boolean;
  validate?: ValidateVector;
  head_ar_poa_validate_data_path?: AdmissionVector;
}

export interface TxVector {
  name: string;
  v: number;
  data_size: number;
  /** Absent for rebase_tx, whose subtree restarts its offsets. */
  chunk_ends?: number[];
  split?: string;
  data_root_hex: string;
  data_root_b64url: string;
  tx_id_hex?: string;
  tx_id_b64url?: string;
  chunks: ChunkVector[];
}

export interface TxRootEntryVector {
  kind: "tx" | "padding";
  tx?: string;
  tx_id_hex?: string;
  data_root_hex: string;
  start: number;
  end: number;
  leaf_id_hex: string;
  tx_path_hex?: string;
  tx_path_len?: number;
  tx_path_validate?: { dests: number[]; right_bound: number; v26_validate_path: PathResultVector; head_basic_ruleset: PathResultVector };
}

export interface BlockVector {
  height: number;
  block_start: number;
  block_size: number;
  weave_size: number;
  tx_root_hex: string;
  tx_root_b64url: string;
  data_path_ruleset_for_block_start_head: string;
  tx_root_entries: TxRootEntryVector[];
}

export interface Sync26Vector {
  absolute_end_offset: number;
  byte: number;
  get_offset: number;
  seek_byte: number;
  tx_path_dest: number;
  data_path_dest: number;
  tx_path_result: PathResultVector;
  data_path_result: PathResultVector;
}

export interface PlacementChunkVector {
  tx: string;
  chunk_index: number;
  abs_start: number;
  abs_end: number;
  padded_abs_end: number;
  bucket_first_byte_1based: number;
  chunk_start_in_tx: number;
  chunk_end_in_tx: number;
  chunk_size: number;
  tx_start_in_block: number;
  data_root_hex: string;
  data_path_hex: string;
  tx_path_hex: string;
  get_chunk_plain_offsets_1based: [number, number];
  get_chunk_bucket_based_offsets_1based: [number, number];
  packing_key_offset: number;
  sync_26: Sync26Vector;
}

export interface PlacementVector {
  block: "block_post_2_5" | "block2_post_2_5";
  block_start: number;
  chunks: PlacementChunkVector[];
}

export interface CorruptionVector {
  name: string;
  root_hex: string;
  dest: number;
  right_bound: number;
  path_hex: string;
  results: Record<string, PathResultVector>;
  head_has_redundant_rebase_marker: boolean;
}

export interface MerkleVectors {
  prng_prefix: string;
  constants: Record<string, number>;
  txs: TxVector[];
  rebase_tx: TxVector;
  t2_wrong_root_if_zero_length_leaf_omitted_hex: string;
  corruptions: CorruptionVector[];
  block_pre_2_5: BlockVector;
  block_post_2_5: BlockVector;
  block2_post_2_5: BlockVector;
  placement: PlacementVector;
  placement_block2: PlacementVector;
  real_world: {
    rebar3: {
      chunk_ends: number[];
      chunk_ids_hex: string[];
      data_root_hex: string;
      data_root_b64url: string;
      data_size: number;
      published_paths: {
        offset: number;
        data_size: number;
        data_path_hex: string;
        data_path_b64url: string;
        results: Record<string, PathResultVector>;
      }[];
    };
  };
  http_formats: {
    block_index2: {
      body_hex: string;
      entries_newest_first: { hash_hex: string; tx_root_hex: string; weave_size: number }[];
    };
    chunk2_body_t0: { body_len: number; body_sha256_hex: string; head_hex: string; tail_hex: string };
    data_sync_record_etf: { body_hex: string; intervals_end_start: [number, number][] };
  };
}

export interface RealTxVector {
  format: number;
  id: string;
  data_size: number;
  data_root?: string;
  data_root_computed?: string;
  v1_chunk_ends?: number[];
  v1_chunk_ids?: string[];
}

export interface RealBlockVector {
  height: number;
  indep_hash: string;
  tx_root: string;
  weave_size: number;
  block_size: number;
  block_start: number;
  block_start_minus_threshold_mod_256k: number | null;
  padded: boolean;
  n_entries_incl_padding: number;
  tx_root_if_block_order_matches: boolean;
  tx_root_if_sorted_by_id_only_matches: boolean;
  txs_in_block_order: RealTxVector[];
  sample_tx_paths: {
    kind: "tx" | "padding";
    start: number;
    end: number;
    tx_path_b64url: string;
    tx_path_len: number;
    validate_basic: { ok: boolean; leaf_b64url?: string; start?: number; end?: number };
  }[];
}

export function loadMerkleVectors(): MerkleVectors {
  return loadJson("merkle.json") as MerkleVectors;
}

export function loadRealBlocks(): { blocks: RealBlockVector[] } {
  return loadJson("real_blocks.json") as { blocks: RealBlockVector[] };
}
