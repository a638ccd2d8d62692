// One Error class per failure, each with a stable `code` (callers branch on the code, never the text).
export type AgentErrorCode =
  | "ERR_AGENT_CONFIG"
  | "ERR_STORAGE_META_MISMATCH"
  | "ERR_STORAGE_SLOT_OUT_OF_RANGE"
  | "ERR_STORAGE_CORRUPT"
  | "ERR_STORAGE_CLOSED"
  | "ERR_STORAGE_IO"
  | "ERR_SYNC_PEER_HTTP"
  | "ERR_SYNC_PEER_TIMEOUT"
  | "ERR_SYNC_NO_VALID_REPLY"
  | "ERR_SYNC_BLOCK_UNKNOWN"
  | "ERR_QUEUE_CLOSED"
  | "ERR_MINING_SOLUTION_INVALID"
  | "ERR_INVENTORY"
  | "ERR_PARTITION_SPEC"
  | "ERR_KUBE_SETUP";

export class AgentError extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ConfigError extends AgentError {
  constructor(message: string) {
    super("ERR_AGENT_CONFIG", message);
  }
}

/** The module directory belongs to another partition, address, size or packing. */
export class StorageMetaMismatchError extends AgentError {
  constructor(message: string) {
    super("ERR_STORAGE_META_MISMATCH", message);
  }
}

export class SlotOutOfRangeError extends AgentError {
  constructor(message: string) {
    super("ERR_STORAGE_SLOT_OUT_OF_RANGE", message);
  }
}

/** Bytes on disk contradict the index in a way the tail check cannot repair: crash rather than limp on. */
export class StorageCorruptError extends AgentError {
  constructor(message: string) {
    super("ERR_STORAGE_CORRUPT", message);
  }
}

export class StorageClosedError extends AgentError {
  constructor(message: string) {
    super("ERR_STORAGE_CLOSED", message);
  }
}

/** A read or write on a module's disk failed (the errno error is the cause) or came back short. */
export class StorageIoError extends AgentError {
  readonly partition: number;
  readonly kind: "read" | "write";
  constructor(partition: number, kind: "read" | "write", message: string, cause?: unknown) {
    super("ERR_STORAGE_IO", message, { cause });
    this.partition = partition;
    this.kind = kind;
  }
}

export class PeerHttpError extends AgentError {
  readonly status: number;
  /** status 0: no HTTP answer at all (connection refused or reset). */
  constructor(peer: string, status: number, path: string, cause?: unknown) {
    super("ERR_SYNC_PEER_HTTP", `${peer} answered ${status} to ${path}`, { cause });
    this.status = status;
  }
}

export class PeerTimeoutError extends AgentError {
  constructor(peer: string, path: string, timeoutMs: number, cause: unknown) {
    super("ERR_SYNC_PEER_TIMEOUT", `${peer} ${path}: no answer within ${timeoutMs} ms`, { cause });
  }
}

/** Every peer failed or sent a chunk whose proofs do not hold. */
export class NoValidReplyError extends AgentError {
  constructor(message: string) {
    super("ERR_SYNC_NO_VALID_REPLY", message);
  }
}

export class BlockUnknownError extends AgentError {
  constructor(message: string) {
    super("ERR_SYNC_BLOCK_UNKNOWN", message);
  }
}

export class QueueClosedError extends AgentError {
  constructor(name: string) {
    super("ERR_QUEUE_CLOSED", `queue ${name} is closed`);
  }
}

/** A solution failed the independent re-check; it is never published. */
export class SolutionInvalidError extends AgentError {
  constructor(message: string) {
    super("ERR_MINING_SOLUTION_INVALID", message);
  }
}

export class InventoryError extends AgentError {
  constructor(message: string, cause?: unknown) {
    super("ERR_INVENTORY", message, { cause });
  }
}

/** A Partition object asks for something this agent cannot hold (size, packing, disk path). */
export class PartitionSpecError extends AgentError {
  constructor(message: string) {
    super("ERR_PARTITION_SPEC", message);
  }
}

/** The Kubernetes connection cannot be set up (no namespace, no credentials). */
export class KubeSetupError extends AgentError {
  constructor(message: string, cause?: unknown) {
    super("ERR_KUBE_SETUP", message, { cause });
  }
}
