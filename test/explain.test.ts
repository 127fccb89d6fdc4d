import { describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecretKey } from '../src/rules/examples.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bin, cli, tempRepo, write } from './gitRepo.js';

// `keyfence explain`, through the real binary in a real repository.
describe('keyfence explain PATH[:LINE]', () => {
  const setup = () => {
    const repo = tempRepo();
    const id = fakeKeyId();
    const allowedId = fakeKeyId();
    const secret = fakeSecretKey();
    const encoded = Buffer.from(`aws_secret_access_key=${secret}`).toString('base64');
    write(
      repo,
      'conf/prod.env',
      [
        `AWS_ACCESS_KEY_ID=${id}`,
        `aws_access_key_id = AKIA${'DEADBEEF'.repeat(2)}`,
        'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
        `backup_key = ${allowedId} # keyfence:allow`,
        `ENV_FILE=${encoded}`,
        'nothing = here',
      ].join('\n') + '\n',
    );
    return { repo, id, allowedId, secret };
  };

  it('lists every candidate of a line with its rule, entropy and why it was reported or rejected, redacted', () => {
    const { repo, id, allowedId, secret } = setup();
    const r = bin(repo, ['explain', 'conf/prod.env']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'conf/prod.env:1:19  aws-access-key-id  AKIA…(redacted)',
      expect.stringMatching(/^ {4}entropy \d\.\d\d \(minimum 2\.5\)$/),
      "    REPORTED: passed entropy, gates, the rule's allow list and every allow stage",
    ]);
    expect(lines.slice(3, 6)).toEqual([
      'conf/prod.env:2:21  aws-access-key-id  AKIA…(redacted)',
      expect.stringMatching(/^ {4}entropy /),
      '    rejected (gate): gate "words": spelled of words, not random base32',
    ]);
    expect(lines[8]).toBe('    rejected (gate): gate "example": documented example value');
    expect(lines.slice(9, 12)).toEqual([
      'conf/prod.env:4:14  aws-access-key-id  AKIA…(redacted)',
      expect.stringMatching(/^ {4}entropy /),
      '    allowed by inline: keyfence:allow on line 4',
    ]);
    expect(lines[12]).toMatch(/^conf\/prod\.env:5:\d+ {2}aws-secret-access-key {2}.{4}…\(redacted\) {2}\(decoded from base64\)$/);
    expect(lines[14]).toBe("    REPORTED: passed entropy, gates, the rule's allow list and every allow stage");
    expect(lines.at(-1)).toBe('keyfence explain: 5 candidates on conf/prod.env: 2 reported, 1 allowed, 2 rejected');
    for (const s of [id, allowedId, secret]) expect(r.stdout).not.toContain(s);
  });

  it('PATH:LINE explains that line only, and exits 0 when nothing on it would be reported', () => {
    const { repo } = setup();
    const r = bin(repo, ['explain', 'conf/prod.env:2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'conf/prod.env:2:21  aws-access-key-id  AKIA…(redacted)\n' +
        r.stdout.split('\n')[1] +
        '\n' +
        '    rejected (gate): gate "words": spelled of words, not random base32\n' +
        'keyfence explain: 1 candidate on conf/prod.env:2: 0 reported, 0 allowed, 1 rejected\n',
    );
    const none = bin(repo, ['explain', 'conf/prod.env:6']);
    expect(none.status).toBe(0);
    expect(none.stdout).toBe("keyfence explain: no candidate on conf/prod.env:6: no rule's pattern matched there\n");
  });

  it('fails with one line and exit 2 for a missing file or a bad range', () => {
    const { repo } = setup();
    const missing = bin(repo, ['explain', 'nope.txt:3']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('keyfence: explain: nope.txt: no such file\n');
    const bad = bin(repo, ['explain', 'conf/prod.env:5-2']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    // The file has 6 lines: line 7 is not a line where nothing was found, it is not a line.
    const past = bin(repo, ['explain', 'conf/prod.env:7']);
    expect(past).toMatchObject({ status: 2, stdout: '', stderr: 'keyfence: explain: conf/prod.env:7: past the end of the file (6 lines)\n' });
  });

  // The same command in-process (what coverage measures), on what the binary cases above leave out.
  it('a FROM-TO range, the baseline as an allow stage, a binary file, a directory, no argument', async () => {
    const { repo, id } = setup();
    const range = await cli(repo, 'explain', 'conf/prod.env:1-2');
    expect(range.exitCode).toBe(1);
    expect(range.stdout.trimEnd().split('\n').at(-1)).toBe('keyfence explain: 2 candidates on conf/prod.env:1-2: 1 reported, 0 allowed, 1 rejected');
    expect(range.stdout).not.toContain(id);

    // `keyfence baseline` records the findings; explain then says the baseline allows them, as scan would.
    expect((await cli(repo, 'baseline')).exitCode).toBe(0);
    const allowed = await cli(repo, 'explain', 'conf/prod.env:1');
    expect(allowed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(allowed.stdout).toMatch(/^ {4}allowed by baseline: /m);
    expect(allowed.stdout.trimEnd().split('\n').at(-1)).toBe('keyfence explain: 1 candidate on conf/prod.env:1: 0 reported, 1 allowed, 0 rejected');

    writeFileSync(path.join(repo, 'blob.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 0, 3]));
    expect(await cli(repo, 'explain', 'blob.bin')).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'keyfence: explain: blob.bin: binary file, not scanned\n',
    });
    expect(await cli(repo, 'explain')).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'keyfence: explain: name the file to explain: keyfence explain PATH[:LINE]\n',
    });
    expect(await cli(repo, 'merge')).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'keyfence: merge: name the shard reports to merge: keyfence merge REPORT.json…\n',
    });
    expect(await cli(repo, 'explain', 'conf')).toMatchObject({ exitCode: 2, stderr: 'keyfence: explain: conf: no such file\n' });
    expect(await cli(repo, 'explain', 'conf/prod.env:0')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringMatching(/^keyfence: explain: bad line range in "conf\/prod\.env:0"/),
    });
  });
});
