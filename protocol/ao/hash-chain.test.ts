import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ownerAddress, parseDataItem } from "./data-item.ts";
import {
  assertHashChain,
  computeHashChain,
  genesisHashChain,
  hashChainPreimage,
  nextHashChain,
  type HashChainPredecessor,
} from "./hash-chain.ts";
import { createSignedDataItem, ed25519PrivateKeyFromSeed, signerFromPrivateKey } from "./signing.ts";
import { assignmentTags, readAssignment, tagValue } from "./tags.ts";
import {
  assertThrowsCode,
  fromHex,
  loadAns104Vectors,
  loadHashChainVectors,
  sha256Hex,
  tagsAsHex,
  toHex,
  vectorTagsAsHex,
  type AssignmentVector,
} from "./test-support.ts";
import { parseVerifiedDataItem } from "./verify.ts";

const chain = loadHashChainVectors();
const ans104 = loadAns104Vectors();

function predecessorOf(assignment: AssignmentVector): HashChainPredecessor {
  if (assignment.prev_assignment_id === null) return { type: "genesis", processId: chain.process.id };
  assert.ok(assignment.prev_hash_chain !== null);
  return { type: "assignment", assignmentId: assignment.prev_assignment_id, hashChain: assignment.prev_hash_chain };
}

function schedulerSigner() {
  const { seed_preimage, seed_hex } = chain.keys.scheduler;
  assert.equal(sha256Hex(Buffer.from(seed_preimage, "ascii")), seed_hex, "scheduler seed rule");
  return signerFromPrivateKey(ed25519PrivateKeyFromSeed(fromHex(seed_hex)));
}

describe("hash chain: the function alone", () => {
  it("has the vectors", () => assert.equal(chain.pure_function_vectors.length, 8));
  for (const [index, vector] of chain.pure_function_vectors.entries()) {
    it(`vector ${index}${vector.prev_assignment_id === null ? " (genesis form)" : ""}`, () => {
      const actual =
        vector.prev_assignment_id === null
          ? genesisHashChain(vector.prev_hash_chain)
          : nextHashChain(vector.prev_assignment_id, vector.prev_hash_chain);
      assert.equal(actual, vector.hash_chain);
    });
  }

  it("rejects inputs that are not canonical base64url of exactly 32 bytes", () => {
    const id = chain.process.id;
    assertThrowsCode(() => genesisHashChain(`${id}=`), "ERR_AO_BAD_BASE64URL");
    assertThrowsCode(() => genesisHashChain(`+${id.slice(1)}`), "ERR_AO_BAD_BASE64URL");
    assert.equal(id.at(-1), "Q"); // 010000: the 2 unused low bits are zero; R (010001) sets one
    assertThrowsCode(() => genesisHashChain(`${id.slice(0, 42)}R`), "ERR_AO_BAD_BASE64URL");
    assertThrowsCode(() => genesisHashChain(Buffer.alloc(31).toString("base64url")), "ERR_AO_BAD_ID");
    assertThrowsCode(() => nextHashChain(id, Buffer.alloc(33).toString("base64url")), "ERR_AO_BAD_ID");
  });
});

describe("hash chain: a process and ten signed assignments", () => {
  it("has the process and nonces 0..9 in order", () => {
    assert.deepEqual(chain.assignments.map((assignment) => assignment.nonce), [...Array(10).keys()]);
  });

  it("process item parses, verifies and names the scheduler", () => {
    const process = parseVerifiedDataItem(fromHex(chain.process.item_hex));
    assert.equal(process.id, chain.process.id);
    assert.deepEqual(tagsAsHex(process.tags), vectorTagsAsHex(chain.process.tags));
    assert.equal(ownerAddress(process.owner), chain.keys.process_owner.address);
    assert.equal(tagValue(process.tags, "Scheduler"), chain.keys.scheduler.address);
    assert.equal(ownerAddress(schedulerSigner().owner), chain.keys.scheduler.address);
  });

  for (const [index, assignment] of chain.assignments.entries()) {
    const previous = chain.assignments[index - 1];
    describe(`nonce ${assignment.nonce}`, () => {
      it("links to the previous ASSIGNMENT id and Hash-Chain (genesis: the process id)", () => {
        assert.equal(assignment.prev_assignment_id, previous?.assignment_id ?? null);
        assert.equal(assignment.prev_hash_chain, previous?.hash_chain ?? null);
      });

      it("hashes the documented preimage", () => {
        const preimage = hashChainPreimage(predecessorOf(assignment));
        assert.equal(toHex(preimage), assignment.hash_input_hex);
        assert.equal(sha256Hex(preimage), assignment.hash_chain_hex);
        assert.equal(computeHashChain(predecessorOf(assignment)), assignment.hash_chain);
        assert.equal(toHex(Buffer.from(assignment.hash_chain, "base64url")), assignment.hash_chain_hex);
        assertHashChain(predecessorOf(assignment), assignment.hash_chain);
      });

      it("assignment item verifies and its tags agree with the chain", () => {
        const item = parseVerifiedDataItem(fromHex(assignment.assignment_item_hex));
        assert.equal(item.id, assignment.assignment_id);
        assert.equal(ownerAddress(item.owner), chain.keys.scheduler.address);
        assert.deepEqual(tagsAsHex(item.tags), vectorTagsAsHex(assignment.assignment_tags));
        const fields = readAssignment(item.tags);
        assert.equal(fields.process, chain.process.id);
        assert.equal(fields.epoch, 0);
        assert.equal(fields.nonce, assignment.nonce);
        assert.equal(fields.hashChain, assignment.hash_chain);
        assert.equal(fields.message, assignment.message_id ?? undefined);
        assert.match(tagValue(item.tags, "Block-Height") ?? "", /^[0-9]{12}$/);
      });

      it("rebuilds byte-identically from its fields (SU tag order, scheduler key)", () => {
        const original = parseDataItem(fromHex(assignment.assignment_item_hex));
        const fields = readAssignment(original.tags);
        const anchor = original.anchor ? { anchor: original.anchor } : {};
        const rebuilt = createSignedDataItem(
          { ...anchor, tags: assignmentTags(fields), data: original.data },
          schedulerSigner(),
        );
        assert.equal(original.target, undefined);
        assert.equal(toHex(rebuilt.bytes), assignment.assignment_item_hex);
      });

      if (assignment.message_item_hex !== null) {
        it("assigned message verifies, targets the process, and is not what the chain hashes", () => {
          const message = parseVerifiedDataItem(fromHex(assignment.message_item_hex!));
          assert.equal(message.id, assignment.message_id);
          assert.equal(Buffer.from(message.target!).toString("base64url"), chain.process.id);
          const signerIndex = Number(/^ed25519\[(\d+)\]$/.exec(assignment.message_signer ?? "")?.[1]);
          assert.equal(ownerAddress(message.owner), ans104.keys.ed25519[signerIndex]?.owner_address);
          // Chaining from the message id instead of the assignment id must be caught.
          if (previous?.message_id) {
            const wrong: HashChainPredecessor = {
              type: "assignment",
              assignmentId: previous.message_id,
              hashChain: previous.hash_chain,
            };
            assertThrowsCode(() => assertHashChain(wrong, assignment.hash_chain), "ERR_AO_HASH_CHAIN_MISMATCH");
          }
        });
      }
    });
  }

  it("detects a swapped order and a broken link", () => {
    const [, first, second] = chain.assignments;
    assert.ok(first && second);
    const swapped = { type: "assignment", assignmentId: first.hash_chain, hashChain: first.assignment_id } as const;
    assertThrowsCode(() => assertHashChain(swapped, second.hash_chain), "ERR_AO_HASH_CHAIN_MISMATCH");
    assertThrowsCode(() => assertHashChain(predecessorOf(second), first.hash_chain), "ERR_AO_HASH_CHAIN_MISMATCH");
  });
});
