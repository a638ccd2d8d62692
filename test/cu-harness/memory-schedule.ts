// Test helper: schedules items into a MemoryAssignmentLog exactly as the JetStream scheduler would
// (same pure core: nonces, Hash-Chain, signed assignments), for evaluator tests without NATS.
import { toBase64Url, type DataItem, type DataItemSigner } from "../../protocol/ao/index.ts";
import { MemoryAssignmentLog } from "../../cu/compute/memory-stores.ts";
import { nextAssignment, signAssignment, type ChainHead } from "../../cu/scheduler/assign.ts";

export class MemorySchedule {
  readonly log = new MemoryAssignmentLog();
  private readonly heads = new Map<string, ChainHead>();
  private clockMs = 1_700_000_000_000;

  constructor(private readonly signer: DataItemSigner) {}

  spawn(process: DataItem): string {
    this.assign(process.id, process, undefined);
    return process.id;
  }

  send(message: DataItem): number {
    if (message.target === undefined) throw new Error("message without target");
    return this.assign(toBase64Url(message.target), message, message.id);
  }

  private assign(processId: string, message: DataItem, messageId: string | undefined): number {
    this.clockMs += 1_000;
    const fields = nextAssignment(processId, this.heads.get(processId), messageId, { epoch: 0, timestamp: this.clockMs, blockHeight: 1_500_000 });
    const assignment = signAssignment(fields, this.signer);
    this.log.append({ assignmentId: assignment.id, assignment: fields, message });
    this.heads.set(processId, { nonce: fields.nonce, assignmentId: assignment.id, hashChain: fields.hashChain });
    return fields.nonce;
  }
}
