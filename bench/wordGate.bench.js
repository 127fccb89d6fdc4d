// The word gate's false-rejection rate: how many random key-ID bodies (16 random base32
// characters, as AWS issues them) it reads as words, and the highest score seen. Run after
// `npm run build`: node bench/wordGate.bench.js [count] (default 1,000,000).
import { randomBytes } from 'node:crypto';
import { WORDS_THRESHOLD, wordScore } from '../dist/detect/spellsWords.js';
import { BASE32 } from './lib.js';

const count = Number(process.argv[2] ?? 1_000_000);
let rejected = 0;
let max = -Infinity;
let maxBody = '';
const started = performance.now();
for (let i = 0; i < count; i++) {
  const bytes = randomBytes(16);
  let body = '';
  for (const b of bytes) body += BASE32[b & 31];
  const score = wordScore(body);
  if (score >= WORDS_THRESHOLD) rejected++;
  if (score > max) {
    max = score;
    maxBody = body;
  }
}
const ms = performance.now() - started;
console.log(
  `word gate: ${rejected} of ${count} random base32 bodies read as words (threshold ${WORDS_THRESHOLD}); highest score ${max.toFixed(1)} (${maxBody}); ${((ms / count) * 1000).toFixed(2)} µs per body`,
);
