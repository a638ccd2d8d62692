// Pure: where nonce n of a process sits in the shared assignment stream. The process's entries are
// interleaved with every other process's, but on its subject the nonces grow with the stream sequence,
// so "the first entry of the subject at or after sequence s" (one server lookup) is a monotone probe
// and a binary search finds nonce n in O(log stream length) lookups instead of reading n entries.
import { CorruptLogError } from "../errors.ts";

export interface Probed {
  /** Stream sequence of the entry found. */
  readonly seq: number;
  readonly nonce: number;
}

/** The first entry of the subject with stream sequence >= seq (undefined when there is none). */
export type ProbeFn = (seq: number) => Promise<Probed | undefined>;

/**
 * The stream sequence of `nonce`, known to lie in [1, head.seq] with head.nonce >= nonce. Throws
 * CorruptLogError when the subject skips the nonce (a log this code did not write).
 */
export async function seqOfNonce(nonce: number, head: Probed, probe: ProbeFn): Promise<number> {
  if (nonce === head.nonce) return head.seq;
  if (nonce > head.nonce || nonce < 0) throw new CorruptLogError(`nonce ${nonce} is outside 0..${head.nonce}`);
  if (nonce === 0) {
    // The subject's first entry: one lookup from the stream's start.
    const first = await probe(1);
    if (first?.nonce !== 0) throw new CorruptLogError(`the subject starts at nonce ${first?.nonce}`);
    return first.seq;
  }
  let lo = 1;
  let hi = head.seq;
  // Each probe at least halves [lo, hi]; the bound turns a broken invariant into an error, not a hang.
  const probesMax = 2 * Math.ceil(Math.log2(head.seq + 1)) + 2;
  for (let probes = 0; lo <= hi && probes < probesMax; probes++) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const found = await probe(mid);
    if (found === undefined || found.seq < mid || found.seq > head.seq) throw new CorruptLogError(`probe at ${mid} answered ${JSON.stringify(found)} below head ${head.seq}`);
    if (found.nonce === nonce) return found.seq;
    // Below the target: it lies after this entry. Above: before mid (this is the first entry from mid on).
    if (found.nonce < nonce) lo = found.seq + 1;
    else hi = mid - 1;
  }
  throw new CorruptLogError(`nonce ${nonce} not found on its subject (head ${head.nonce} at ${head.seq})`);
}
