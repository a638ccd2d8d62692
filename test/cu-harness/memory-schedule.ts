// Test helper: schedules items into a MemoryAssignmentLog exactly as the JetStream scheduler would
// (same pure core: nonces, Hash-Chain, signed assignments), for evaluator tests without NATS.
import { toBase64Url, type DataItem, type DataItemSigner } from "../../protocol/ao/index.ts";
import { MemoryAssignmentLog } from "../../cu/compute/memory-stores.ts";
import { nextAssignment, signAssignment, type ChainHead } from "../../cu/scheduler/assign.ts";

export interface ScheduleClock {
  readonly timestampMs?: number;
  readonly blockHeight?: number;
}

export class MemorySchedule {
  readonly log = new MemoryAssignmentLog();
  private readonly heads = new Map<string, ChainHead>();
  private clockMs = 1_700_000_000_000;

  constructor(private readonly signer: DataItemSigner) {}

  private blockHeight = 1_500_000;

  /** at: the clock of this assignment (default: one second after the previous one, same height). */
  spawn(process: DataItem, at?: ScheduleClock): string {
    this.assign(process.id, process, undefined, at);
    return process.id;
  }

  send(message: DataItem, at?: ScheduleClock): number {
    if (message.target === undefined) throw new Error("message without target");
    return this.assign(toBase64Url(message.target), message, message.id, at);
  }

  private assign(processId: string, message: DataItem, messageId: string | undefined, at: ScheduleClock | undefined): number {
    this.clockMs = at?.timestampMs ?? this.clockMs + 1_000;
    this.blockHeight = at?.blockHeight ?? this.blockHeight;
    const fields = nextAssignment(processId, this.heads.get(processId), messageId, { epoch: 0, timestamp: this.clockMs, blockHeight: this.blockHeight });
    const assignment = signAssignment(fields, this.signer);
    this.log.append({ assignmentId: assignment.id, assignment: fields, message });
    const { nonce, hashChain, timestamp, blockHeight } = fields;
    this.heads.set(processId, { nonce, assignmentId: assignment.id, hashChain, timestamp, blockHeight });
    return fields.nonce;
  }
}
