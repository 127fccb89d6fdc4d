// Node's floor for a tree audit, the anchor that says how much of keyfence's time is Node's own:
// the least a Node program does to look at every byte of a tree the way `keyfence scan --no-git`
// must. The main thread lists the tree (readdir, no symlinks followed, as keyfence); two worker
// threads take batches of paths and, per file, open + fstat + read it into one reused buffer
// (files over 25 MB skipped, as keyfence's default --max-file-size). Then, by mode:
//   read      nothing more: the cost of getting the bytes (DESIGN.md's first floor)
//   strings   the text as a latin1 string, and nothing done with it: what making strings costs,
//             in time and mostly in memory (a JavaScript regex runs on strings only)
//   anchors   the text as a latin1 string and one case-insensitive alternation of the AWS
//             anchors (key ID prefixes, the credential names) over it: the cheapest detector
//             that reads every text (DESIGN.md's second floor)
//   aws       the text as a latin1 string and git-secrets' own three AWS patterns (the ones
//             ripgrep is timed with) as V8 regexes: git-secrets' check ported to Node as is
// Prints the bytes read and the matches, so a run that read nothing cannot pass for fast.
// Usage: node bench/nodeFloor.js <read|strings|anchors|aws> <dir>   (used by bench/speed.bench.js)
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { AWS } from './lib.js';

/** Per mode, the regexes a worker runs over each text as a string; null: no string is made. */
const MODES = {
  read: null,
  strings: [],
  anchors: [/AKIA|ASIA|A3T|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|aws_secret_access_key|aws_session_token|secretaccesskey|sessiontoken/gi],
  aws: AWS.map((p) => new RegExp(p, 'g')),
};
const MAX_FILE = 25 << 20;
const WORKERS = 2;
const BATCH = 128;

if (isMainThread) {
  const [mode, root] = process.argv.slice(2);
  if (!(mode in MODES) || !root) {
    console.error('usage: node bench/nodeFloor.js <read|strings|anchors|aws> <dir>');
    process.exit(2);
  }
  const queue = [];
  const idle = [];
  let busy = 0;
  let listed = false;
  let bytes = 0;
  let files = 0;
  let matches = 0;
  let chars = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const give = (w) => {
    const batch = queue.shift();
    if (batch) {
      busy++;
      w.postMessage(batch);
    } else {
      idle.push(w);
      if (listed && busy === 0) finish();
    }
  };
  for (let i = 0; i < WORKERS; i++) {
    const w = new Worker(new URL(import.meta.url), { workerData: mode });
    w.on('message', (m) => {
      busy--;
      bytes += m.bytes;
      files += m.files;
      matches += m.matches;
      chars += m.chars;
      give(w);
    });
    idle.push(w);
  }
  let batch = [];
  const flush = () => {
    if (batch.length === 0) return;
    queue.push(batch);
    batch = [];
    const w = idle.pop();
    if (w) give(w);
  };
  // Workers are fed while the tree is listed: after each batch, replies are let in.
  const walk = async (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        batch.push(p);
        if (batch.length >= BATCH) {
          flush();
          await new Promise(setImmediate);
        }
      }
    }
  };
  await walk(path.resolve(root));
  flush();
  listed = true;
  if (busy === 0 && queue.length === 0) finish();
  await finished;
  console.log(
    `node floor (${mode}): ${files} files, ${(bytes / 1e6).toFixed(1)} MB read, ${(chars / 1e6).toFixed(1)} M characters as strings, ${matches} matches`,
  );
  process.exit(0);
} else {
  const patterns = MODES[workerData];
  let buf = Buffer.allocUnsafe(1 << 20);
  parentPort.on('message', (paths) => {
    let bytes = 0;
    let files = 0;
    let matches = 0;
    let chars = 0;
    for (const p of paths) {
      let fd;
      try {
        fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
        const { size } = fstatSync(fd);
        if (size > MAX_FILE) continue;
        if (size > buf.length) buf = Buffer.allocUnsafe(size);
        let got = 0;
        for (let n = 1; got < size && n > 0; got += n) n = readSync(fd, buf, got, size - got, got);
        bytes += got;
        files++;
        if (patterns === null) continue;
        const text = buf.latin1Slice(0, got);
        chars += text.length;
        for (const re of patterns) {
          re.lastIndex = 0;
          while (re.exec(text) !== null) matches++;
        }
      } catch {
        // unreadable: skipped, as keyfence notes and skips it
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    }
    parentPort.postMessage({ bytes, files, matches, chars });
  });
}
