// The scheduler's service layer: checks an incoming item (size, structure, signature, ao type,
// target) and appends it to the assignment log. Routes live in http.ts.
import {
  AoProtocolError,
  ItemTooLargeError as ProtocolItemTooLargeError,
  isAoItem,
  parseDataItem,
  toBase64Url,
  verifyDataItem,
  type DataItem,
  type DataItemSigner,
} from "../../protocol/ao/index.ts";
import { BadItemError, BadSignatureError, ItemTooLargeError, UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { routeItem, type AssignmentClock } from "./assign.ts";
import type { Appended, JetStreamAssignmentLog } from "./jetstream-log.ts";

export interface SchedulerBounds {
  /** Largest data item accepted by POST / (ANS-104 allows more; ao messages are small). */
  readonly itemBytesMax: number;
}

export interface SchedulerDeps {
  readonly log: JetStreamAssignmentLog;
  readonly signer: DataItemSigner;
  readonly clock: () => AssignmentClock;
  readonly bounds: SchedulerBounds;
  readonly logger: Logger;
}

export class Scheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  /** Parses and verifies `bytes`, then schedules the item. Throws a CuError for any bad input. */
  async submit(bytes: Uint8Array): Promise<Appended> {
    const item = this.parse(bytes);
    return this.schedule(item);
  }

  /** Schedules an item that was already parsed and verified (the messenger's path). */
  async schedule(item: DataItem): Promise<Appended> {
    if (!isAoItem(item.tags)) throw new BadItemError(`item ${item.id} is not an ao item (Data-Protocol/Variant)`);
    const routing = routeItem(item, (m) => (m.target === undefined ? undefined : toBase64Url(m.target)));
    if (routing.type === "message" && (await this.deps.log.lastNonce(routing.processId)) === undefined) {
      throw new UnknownProcessError(routing.processId);
    }
    const appended = await this.deps.log.append(routing.processId, item, this.deps.signer, this.deps.clock);
    const { nonce, process } = appended.entry.assignment;
    this.deps.logger.info({ event: "cu.scheduler.assigned", processId: process, messageId: item.id, nonce, duplicate: appended.duplicate });
    return appended;
  }

  timestamp(): AssignmentClock {
    return this.deps.clock();
  }

  private parse(bytes: Uint8Array): DataItem {
    const { itemBytesMax } = this.deps.bounds;
    if (bytes.length > itemBytesMax) throw new ItemTooLargeError(bytes.length, itemBytesMax);
    let item: DataItem;
    try {
      item = parseDataItem(bytes, { dataItemBytesMax: itemBytesMax });
    } catch (err) {
      if (err instanceof ProtocolItemTooLargeError) throw new ItemTooLargeError(bytes.length, itemBytesMax);
      if (err instanceof AoProtocolError) throw new BadItemError(`malformed data item: ${err.message} (${err.code})`, { cause: err });
      throw err;
    }
    if (!verifyDataItem(item)) throw new BadSignatureError(item.id);
    return item;
  }
}
