import { constants as bufferConstants } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { emptyStats } from '../scan.js';
import type { Fragment, ScanStats } from '../types.js';
import { decodeBuffer, isBinaryHead, SNIFF, textFields } from './decode.js';
import type { Listed } from './tree.js';

// Reading one listed file, apart from the listing (tree.ts): the tree workers load this and the
// detector, and none of the git layer the listing needs.

/** The largest file read as one text: a JavaScript string holds at most this many characters. */
export const MAX_TEXT_BYTES = bufferConstants.MAX_STRING_LENGTH;

/**
 * Files larger than this have their first SNIFF bytes read first, and nothing more when they
 * are binary: a 100 MB native module no longer grows the read buffer (and the process's peak
 * RSS) by 100 MB. Smaller files are read whole at once (one read instead of two).
 */
const SNIFF_FIRST_ABOVE = 256 * 1024;
const sniffBuf = Buffer.alloc(SNIFF);

/** The read buffer, reused from file to file: the text decoded from it is a copy. */
let scratchBuf = Buffer.alloc(0);

/**
 * A buffer of `size` bytes whose contents are only valid until the next call (one reusable
 * buffer instead of a fresh one per file: per-file buffers were a fifth of a worker's GC time).
 */
function scratch(size: number): Buffer {
  if (scratchBuf.length < size) scratchBuf = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratchBuf.length, 1 << 16));
  return scratchBuf.subarray(0, size);
}

/**
 * Reads one listed file as a fragment. Binary, oversized, unreadable and non-regular files are
 * counted or noted in `stats` and give undefined; nothing larger than maxFileSize is read.
 * Synchronous on purpose: it runs in worker threads (and, for small scans, on the main thread),
 * where a blocking read of a cached file is cheaper than a promise per system call. With
 * `standIns` (rules that allow it: ../detect/standIn.ts), UTF-8 text with characters above
 * U+00FF may come as a one-byte stand-in view, whose `exact` reads the file again.
 */
export function readFragment(f: Listed, maxFileSize: number, stats: ScanStats, standIns = false): Fragment | undefined {
  let buf: Buffer;
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a symbolic link is not followed (open fails with ELOOP); fstat on the open
    // file, not a separate lstat, so each file costs one path lookup.
    fd = openSync(typeof f.abs === 'string' ? f.abs : Buffer.from(f.abs), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined; // submodule directory, socket, fifo…
    if (st.size > maxFileSize) {
      stats.skipped.push({ path: f.rel, reason: `larger than --max-file-size (${st.size} bytes)` });
      return undefined;
    }
    if (st.size > MAX_TEXT_BYTES) {
      stats.skipped.push({
        path: f.rel,
        reason: `too large to scan as one text (${st.size} bytes; the limit is ${MAX_TEXT_BYTES} whatever --max-file-size says)`,
      });
      return undefined;
    }
    if (st.size > SNIFF_FIRST_ABOVE) {
      // A large binary (a native module, a shared library) is told from its head alone.
      const n = readSync(fd, sniffBuf, 0, SNIFF, 0);
      if (isBinaryHead(sniffBuf.subarray(0, n))) {
        stats.binarySkipped++;
        return undefined;
      }
    }
    buf = scratch(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break; // the file shrank while being read
      got += n;
    }
    if (got < st.size) buf = buf.subarray(0, got);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ELOOP') stats.skipped.push({ path: f.rel, reason: `unreadable (${code})` });
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const decoded = decodeBuffer(buf, standIns);
  if (decoded.kind === 'binary') {
    stats.binarySkipped++;
    return undefined;
  }
  stats.filesScanned++;
  stats.bytesScanned += buf.length;
  // `exact` in the literal, undefined or not, so every fragment read here has one shape.
  // A view's exact text is read again, counted nowhere: the file was counted above.
  return { ...textFields(buf, decoded), path: f.rel, startLine: 1, exact: decoded.standIns ? () => readFragment(f, maxFileSize, emptyStats()) : undefined };
}
