import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { bin, commit, git, tempRepo, write } from './gitRepo.js';

// Redaction works on what is shown: every excerpt (JSON lineText, SARIF snippet, text), message
// and suppression reason, after cutting, in every encoding the detector decodes. Each case drives
// the real binary and looks for any piece of a secret, in clear or encoded, in the output.

/** A secret key that surely holds "/" and "+", so percent-encoding changes it. */
const slashySecret = () => {
  const s = fakeSecretKey();
  return `${s.slice(0, 10)}/${s.slice(11, 20)}+${s.slice(21)}`;
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every 12-character piece of the secret, its percent-encoding and its base64, found in `out`. */
function leaks(out: string, secret: string): string[] {
  const found: string[] = [];
  for (const form of [secret, encodeURIComponent(secret), b64(secret)]) {
    // Skip the first 4 characters: the redaction shows them on purpose (AKIA…(redacted)).
    for (let i = 4; i + 12 <= form.length; i++) if (out.includes(form.slice(i, i + 12))) found.push(form.slice(i, i + 12));
  }
  return found;
}

function scanFile(name: string, text: string, format: string, extra: string[] = []): string {
  const repo = tempRepo();
  write(repo, name, text);
  const r = bin(repo, ['scan', '--no-git', name, '--format', format, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  return r.stdout;
}

describe('redaction has no holes', () => {
  it('an excerpt cut inside a neighbouring secret shows none of it (JSON lineText, SARIF snippet)', () => {
    const id = fakeKeyId();
    const secret = fakeSecretKey();
    // The key ID's excerpt reaches 160 characters past it: the cut falls inside the secret.
    const line = `id=${id}${' '.repeat(120)}aws_secret_access_key=${secret}${' '.repeat(300)}end`;
    for (const format of ['json', 'sarif', 'text']) {
      const out = scanFile('creds.txt', `${line}\n`, format);
      expect(leaks(out, secret), format).toEqual([]);
      expect(out).not.toContain(id);
    }
  });

  it('a percent- or base64-encoded secret on the same line as another finding stays hidden', () => {
    const id = fakeKeyId();
    const secret = slashySecret();
    const pct = `https://x.example.com/?id=${id}&aws_secret_access_key=${encodeURIComponent(secret)}&r=1`;
    const blob = `{"id": "${id}", "env": "${b64(`AWS_SECRET_ACCESS_KEY=${secret}\n`)}"}`;
    for (const text of [pct, blob]) {
      for (const format of ['json', 'sarif', 'text']) {
        const out = scanFile('app.txt', `${text}\n`, format);
        expect(out).toContain('aws-secret-access-key');
        expect(leaks(out, secret), `${format}: ${text.slice(0, 40)}`).toEqual([]);
        // base64 of the whole env line: no 12-character piece of the run survives either.
        expect(out).not.toContain(b64(`AWS_SECRET_ACCESS_KEY=${secret}\n`).slice(20, 44));
      }
    }
  });

  it('a percent-encoded secret in a commit message is hidden (history: text, JSON message)', () => {
    const repo = tempRepo();
    const secret = slashySecret();
    write(repo, 'a.env', `aws_secret_access_key=${secret}\n`);
    git(repo, 'add', '.');
    commit(repo, `rotate aws_secret_access_key=${encodeURIComponent(secret)}`);
    for (const format of ['json', 'text', 'html']) {
      const r = bin(repo, ['scan', '--history', '--format', format]);
      expect(r.status).toBe(1);
      expect(leaks(r.stdout, secret), format).toEqual([]);
    }
  });

  it('with more than 200 distinct secrets, a key ID deduplicated away in history is still hidden', () => {
    const repo = tempRepo();
    const id = fakeKeyId();
    write(repo, 'a.env', `k=${id} aws_secret_access_key=${fakeSecretKey()}\n`);
    for (let i = 0; i < 110; i++) write(repo, `more/${i}.env`, `aws_access_key_id=${fakeKeyId()}\naws_secret_access_key=${fakeSecretKey()}\n`);
    git(repo, 'add', '.');
    commit(repo, 'first');
    // Same key ID, new secret: history keeps the key ID's finding from the first commit only.
    write(repo, 'a.env', `k=${id} aws_secret_access_key=${fakeSecretKey()}\n`);
    git(repo, 'add', '.');
    commit(repo, 'second');
    const r = bin(repo, ['scan', '--history', '--format', 'json']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain(id);
  });

  it('a suppression reason that quotes a .gitallowed entry holding the key does not print the key', () => {
    const repo = tempRepo();
    const id = fakeKeyId();
    write(repo, '.gitallowed', `${id}\n`);
    write(repo, 'a.env', `aws_access_key_id=${id}\n`);
    git(repo, 'add', '.');
    for (const format of ['json', 'sarif', 'text']) {
      const r = bin(repo, ['scan', '.', '--format', format]);
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr, format).not.toContain(id);
    }
    const r = bin(repo, ['scan', '.', '--format', 'json']);
    const suppressed = (JSON.parse(r.stdout) as { suppressed: { suppressedBy: { reason: string } }[] }).suppressed;
    expect(suppressed.map((s) => s.suppressedBy.reason)).toContain(`.gitallowed:1: ${id.slice(0, 4)}…(redacted)`);
  });
});
