// A bounded LRU of hot process instances, bounded by the sum of their linear memory. Evicting one
// is the member's own business (it checkpoints, then stops its worker); this only picks victims.

export interface HotMember {
  readonly key: string;
  /** Current linear memory of the instance. */
  memoryBytes(): number;
  /** Checkpoint and stop; called at most once per admission. */
  evict(): Promise<void>;
}

export interface HotSetBounds {
  /** Sum of hot instances' memory above which the least recently used are evicted. */
  readonly hotBytesMax: number;
  /** Hard cap on instances regardless of their size (each costs a worker thread). */
  readonly hotProcessesMax: number;
}

export class HotSet<T extends HotMember> {
  // A Map iterates in insertion order: delete + set moves a key to the most recent end.
  private readonly members = new Map<string, T>();

  constructor(private readonly bounds: HotSetBounds) {}

  get size(): number {
    return this.members.size;
  }

  totalBytes(): number {
    let total = 0;
    for (const member of this.members.values()) total += member.memoryBytes();
    return total;
  }

  has(key: string): boolean {
    return this.members.has(key);
  }

  /** Marks `member` most recently used, then evicts others until the bounds hold again. */
  async touch(member: T): Promise<void> {
    this.members.delete(member.key);
    this.members.set(member.key, member);
    await this.enforce(member.key);
  }

  /** Forgets a member that stopped on its own (crash, trap, shutdown). */
  remove(key: string): void {
    this.members.delete(key);
  }

  async evictAll(): Promise<void> {
    const all = [...this.members.values()];
    this.members.clear();
    for (const member of all) await member.evict();
  }

  private async enforce(keep: string): Promise<void> {
    while (this.members.size > this.bounds.hotProcessesMax || this.totalBytes() > this.bounds.hotBytesMax) {
      const victim = [...this.members.values()].find((member) => member.key !== keep);
      if (victim === undefined) return; // the one in use alone exceeds the budget: keep it anyway
      this.members.delete(victim.key);
      await victim.evict();
    }
  }
}
