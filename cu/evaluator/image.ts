// Checkpoint images hold only the non-zero 64 KiB pages of linear memory. An aos heap is mostly
// zero pages (~110 MiB of memory, a few MiB used): skipping them makes gzip and gunzip work on the
// used part only, which is most of a cold start from a checkpoint. Pure; used by the worker.
import { CorruptLogError } from "../errors.ts";

const magic = 0x31534b41; // "AKS1" little-endian
export const imagePageBytes = 65_536;
const headerBytes = 12;
const pageIndexBytes = 4;

function pageIsZero(words: Uint32Array, page: number): boolean {
  const start = (page * imagePageBytes) / 4;
  const end = start + imagePageBytes / 4;
  for (let i = start; i < end; i++) if (words[i] !== 0) return false;
  return true;
}

export function encodeSparseImage(memory: Uint8Array): Uint8Array {
  if (memory.byteLength % imagePageBytes !== 0 || memory.byteOffset % 4 !== 0) throw new RangeError(`memory of ${memory.byteLength} bytes is not whole pages`);
  const pages = memory.byteLength / imagePageBytes;
  const words = new Uint32Array(memory.buffer, memory.byteOffset, memory.byteLength / 4);
  const used: number[] = [];
  for (let page = 0; page < pages; page++) if (!pageIsZero(words, page)) used.push(page);
  const out = new Uint8Array(headerBytes + used.length * (pageIndexBytes + imagePageBytes));
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, true);
  view.setUint32(4, pages, true);
  view.setUint32(8, used.length, true);
  let at = headerBytes;
  for (const page of used) {
    view.setUint32(at, page, true);
    out.set(memory.subarray(page * imagePageBytes, (page + 1) * imagePageBytes), at + pageIndexBytes);
    at += pageIndexBytes + imagePageBytes;
  }
  return out;
}

export function decodeSparseImage(image: Uint8Array): Uint8Array {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (image.byteLength < headerBytes || view.getUint32(0, true) !== magic) throw new CorruptLogError("checkpoint image has no sparse header");
  const pages = view.getUint32(4, true);
  const used = view.getUint32(8, true);
  if (image.byteLength !== headerBytes + used * (pageIndexBytes + imagePageBytes)) throw new CorruptLogError(`checkpoint image of ${image.byteLength} bytes does not hold ${used} pages`);
  const memory = new Uint8Array(pages * imagePageBytes);
  let at = headerBytes;
  for (let i = 0; i < used; i++) {
    const page = view.getUint32(at, true);
    if (page >= pages) throw new CorruptLogError(`checkpoint page ${page} past ${pages} pages`);
    memory.set(image.subarray(at + pageIndexBytes, at + pageIndexBytes + imagePageBytes), page * imagePageBytes);
    at += pageIndexBytes + imagePageBytes;
  }
  return memory;
}
