// Names of everything the VDF service puts on NATS. One chain = one subject tree, one stream and one
// leadership key, so several chains (mainnet, devnet, tests) share a server without interfering.
import { BadChainNameError } from "./errors.ts";

/** Lowercase DNS-label-like names: valid in subjects, stream names (upper-cased) and KV keys alike. */
const chainNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const SUBJECT_PREFIX = "arkube.vdf";

export function checkChainName(chain: string): string {
  if (!chainNamePattern.test(chain)) {
    throw new BadChainNameError(`chain name ${JSON.stringify(chain)} must match ${chainNamePattern}`);
  }
  return chain;
}

/** Subject of one step: the step number is a token so a stored step can be fetched by subject. */
export function stepSubject(chain: string, step: number): string {
  return `${SUBJECT_PREFIX}.${checkChainName(chain)}.step.${step}`;
}

/** Every step of a chain (what live consumers subscribe to and the stream captures). */
export function stepSubjectWildcard(chain: string): string {
  return `${SUBJECT_PREFIX}.${checkChainName(chain)}.step.*`;
}

/** JetStream stream names may not contain '.', '*', '>' or spaces; '-' is not allowed in some tools. */
export function stepStreamName(chain: string): string {
  return `ARKUBE_VDF_${checkChainName(chain).toUpperCase().replaceAll("-", "_")}`;
}

/** The NATS KV bucket that holds one leadership record per chain (key = chain name). */
export const LEADER_BUCKET = "arkube-vdf-leader";

/** JetStream message id: the stream drops a second publish of the same step within its window. */
export function stepMessageId(chain: string, step: number): string {
  return `${checkChainName(chain)}:${step}`;
}
