import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeyId } from '../src/rules/examples.js';
import { spawnSync } from 'node:child_process';
import { BIN, bin, commit, git, secretFile, tempDir, tempRepo, write } from './gitRepo.js';

// What a new user meets in the first hour, through the real binary (bin/keyfence.js) in real
// temporary repositories: flags parsed strictly (redaction fails closed), report formats and
// files, errors a person understands, the default baseline, and scanned data that must not
// drive the terminal or forge output.

/** A repository with one committed credentials file; the key ID and secret in it. */
function leakyRepo(rel = 'config/prod.env'): { dir: string; keyId: string; secret: string } {
  const dir = tempRepo();
  const s = secretFile();
  write(dir, rel, s.text);
  git(dir, 'add', '.');
  commit(dir, 'add config');
  return { dir, keyId: s.keyId, secret: s.secret };
}

describe('redaction fails closed (10.1)', () => {
  it('--redact=PERCENT hides that share of each secret; never the whole secret unless 0 is asked for', () => {
    const { dir, keyId, secret } = leakyRepo();
    for (const [flag, shown] of [
      ['--redact=100', ''],
      ['--redact', ''],
      ['--redact=50', keyId.slice(0, 10)],
      ['--redact=1', keyId.slice(0, 19)],
    ] as const) {
      for (const format of ['text', 'json', 'github']) {
        const r = bin(dir, ['scan', flag, '--format', format]);
        expect(r.status, `${flag} ${format}: ${r.stderr}`).toBe(1);
        expect(r.stdout, `${flag} ${format}`).not.toContain(keyId);
        expect(r.stdout, `${flag} ${format}`).not.toContain(secret);
        expect(r.stdout, `${flag} ${format}`).toContain(`${shown}…(redacted)`);
      }
    }
    // The default is unchanged: the first 4 characters of a long secret.
    expect(bin(dir, ['scan']).stdout).toContain(`= ${keyId.slice(0, 4)}…(redacted)`);
  });
  it('only --no-redact and --redact=0 show secrets', () => {
    const { dir, keyId } = leakyRepo();
    for (const flag of ['--no-redact', '--redact=0']) expect(bin(dir, ['scan', flag]).stdout, flag).toContain(keyId);
  });
  it('a value a flag does not take is exit 2 with one line, and nothing is scanned', () => {
    const { dir, keyId } = leakyRepo();
    for (const [argv, message] of [
      [['scan', '--redact=yes'], /--redact takes a percentage from 0 to 100/],
      [['scan', '--redact=101'], /--redact takes a percentage/],
      [['scan', '--redact=-5'], /--redact takes a percentage/],
      [['scan', '--redact=true'], /--redact takes a percentage/],
      [['scan', '--no-redact=1'], /--no-redact takes no value/],
      [['scan', '--redact=50', '--redact=0'], /--redact is given more than once with different values/],
      [['scan', '--staged=1'], /--staged takes no value \(got "--staged=1"\)/],
      [['scan', '--color=always'], /--color takes no value/],
      [['scan', '--no-color=yes'], /--no-color takes no value/],
      [['scan', '--exit-code'], /--exit-code needs a number/],
      [['scan', '--exit-code', '1.5'], /--exit-code must be a whole number from 0 to 255/],
      [['scan', '--exit-code=300'], /--exit-code must be a whole number/],
    ] as const) {
      const r = bin(dir, [...argv]);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(new RegExp(`^keyfence: [^\\n]*${message.source}[^\\n]*\\n$`));
      expect(r.stdout, argv.join(' ')).toBe('');
      expect(r.stdout + r.stderr).not.toContain(keyId);
    }
    // =true / =false still mean what they say.
    expect(bin(dir, ['scan', '--staged=true']).status).toBe(0); // nothing staged
    expect(bin(dir, ['scan', '--staged=false']).status).toBe(1);
  });
});

describe('reports (10.8, 10.10, 10.14, 14.5)', () => {
  it('-o FILE without --format writes the format its extension names; other names keep text', () => {
    const { dir } = leakyRepo();
    const cases: [string, (text: string) => void][] = [
      ['r.sarif', (t) => expect(JSON.parse(t).version).toBe('2.1.0')],
      ['r.sarif.json', (t) => expect(JSON.parse(t).runs).toHaveLength(1)],
      ['r.json', (t) => expect(JSON.parse(t).findings).toHaveLength(2)],
      ['r.xml', (t) => expect(t).toMatch(/^<\?xml[^]*<testsuites /)],
      ['r.csv', (t) => expect(t).toMatch(/^\ufeffrule_id,severity,/)],
      ['r.html', (t) => expect(t).toMatch(/^<!doctype html>/)],
      ['r.log', (t) => expect(t).toMatch(/^config\/prod\.env:2:21 {2}aws-access-key-id/)],
    ];
    for (const [file, check] of cases) {
      const r = bin(dir, ['scan', '-o', file]);
      expect(r.status, r.stderr).toBe(1);
      check(readFileSync(path.join(dir, file), 'utf8'));
    }
    // --format wins over the extension.
    bin(dir, ['scan', '-o', 'x.json', '--format', 'csv']);
    expect(readFileSync(path.join(dir, 'x.json'), 'utf8')).toMatch(/^\ufeffrule_id,/);
  });
  it('--exit-code N is the exit code for findings; a clean scan still exits 0', () => {
    const { dir } = leakyRepo();
    expect(bin(dir, ['scan', '--exit-code', '0']).status).toBe(0);
    expect(bin(dir, ['scan', '--exit-code=42', '-q']).status).toBe(42);
    const clean = tempRepo();
    expect(bin(clean, ['scan', '--exit-code', '42']).status).toBe(0);
  });
  it('CSV starts with a UTF-8 byte order mark so spreadsheets show "…" (not "â€¦")', () => {
    const { dir } = leakyRepo();
    bin(dir, ['scan', '-o', 'r.csv']);
    const bytes = readFileSync(path.join(dir, 'r.csv'));
    expect(bytes.subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(bytes.toString('utf8')).toContain('AKIA…(redacted)');
  });
  it('--report FORMAT[:PATH] writes several formats from one scan, at most one of them to stdout', () => {
    const { dir, keyId } = leakyRepo();
    const r = bin(dir, ['scan', '--report', 'sarif:out.sarif', '--report', 'json:out.json', '--report', 'csv:out.csv', '--format', 'github']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^::error file=config\/prod\.env,line=2,/);
    const json = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8'));
    const sarif = JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8'));
    expect(json.findings.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(
      sarif.runs[0].results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints.primaryLocationLineHash),
    );
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8').split('\r\n')).toHaveLength(4);
    for (const f of ['out.json', 'out.sarif', 'out.csv']) expect(readFileSync(path.join(dir, f), 'utf8')).not.toContain(keyId);
    // A --report without a path is the stdout report.
    const json2 = bin(dir, ['scan', '--report', 'json', '--report', 'html:r.html']);
    expect(JSON.parse(json2.stdout).findings).toHaveLength(2);
    expect(readFileSync(path.join(dir, 'r.html'), 'utf8')).toContain('<table id="findings-table">');
    // Files only: the summary line goes to stderr.
    const files = bin(dir, ['scan', '-o', 'a.json', '--report', 'junit:a.xml']);
    expect(files.stdout).toBe('');
    expect(files.stderr).toMatch(/^keyfence: 2 findings /m);
    for (const [argv, message] of [
      [['scan', '--report', 'json', '--report', 'csv'], /only one report can go to standard output/],
      [['scan', '--report', 'pdf:x.pdf'], /unknown format "pdf"/],
      [['scan', '--report', 'jsno:x.json'], /unknown format "jsno"; did you mean json\?/],
      [['scan', '-o', 'same.json', '--report', 'sarif:same.json'], /two reports would be written to same\.json/],
    ] as const) {
      const bad = bin(dir, [...argv]);
      expect(bad.status, argv.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(new RegExp(`^keyfence: [^\\n]*${message.source}[^\\n]*\\n$`));
    }
  });
  it('a huge report is written to its file piece by piece, the same bytes as on stdout', () => {
    const dir = tempDir();
    let text = '';
    for (let i = 0; i < 3000; i++) text += `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`;
    writeFileSync(path.join(dir, 'many.env'), text);
    const out = tempDir();
    for (const format of ['json', 'sarif', 'html', 'csv']) {
      const toFile = bin(dir, ['scan', '--no-git', '.', '--format', format, '-o', path.join(out, `big.${format}`)]);
      expect(toFile.status, toFile.stderr).toBe(1);
      const stdout = spawnSync(process.execPath, [BIN, 'scan', '--no-git', '.', '--format', format, '--exit-code', '0'], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      }).stdout;
      const file = readFileSync(path.join(out, `big.${format}`), 'utf8');
      // Same report but for run-specific numbers (duration).
      const norm = (s: string) =>
        s
          .replace(/"?durationMs"?: ?\d+/g, '')
          .replace(/\d+ ms/g, '')
          .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC/, '')
          .replace(/<dd class="code">keyfence scan [^<]*<\/dd>/, '');
      expect(norm(file)).toBe(norm(stdout));
      expect(statSync(path.join(out, `big.${format}`)).size).toBeGreaterThan(3000 * 30);
    }
  });
  it('never writes a report through a symbolic link', () => {
    const { dir } = leakyRepo();
    const target = path.join(tempDir(), 'elsewhere.txt');
    writeFileSync(target, 'keep me');
    symlinkSync(target, path.join(dir, 'link.json'));
    const r = bin(dir, ['scan', '-o', 'link.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('keyfence: cannot write report to link.json: it is a symbolic link; keyfence never writes through one\n');
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });
});

describe('errors a person understands (10.11)', () => {
  it('one line, exit 2, "did you mean" where there is a close match', () => {
    const { dir } = leakyRepo();
    for (const [argv, expected] of [
      [['scna'], 'keyfence: unknown command "scna"; did you mean scan?\n'],
      [['basline'], 'keyfence: unknown command "basline"; did you mean baseline?\n'],
      [['scan', '--formt', 'json'], 'keyfence: unknown option --formt; did you mean --format?\n'],
      [['scan', '--histroy'], 'keyfence: unknown option --histroy; did you mean --history?\n'],
      [
        ['scan', '--format', 'json', '--format', 'sarif'],
        'keyfence: --format is given more than once (json, sarif); for several reports use --report FORMAT[:PATH], once per report\n',
      ],
      [
        ['scan', '-f', 'json', '--format=sarif'],
        'keyfence: --format is given more than once (json, sarif); for several reports use --report FORMAT[:PATH], once per report\n',
      ],
      [['scan', '--color', '--no-color'], 'keyfence: --color is given more than once (--color, --no-color)\n'],
      [
        ['scan', '-o', 'a.json', '--output=b.json'],
        'keyfence: --output is given more than once (a.json, b.json); for several reports use --report FORMAT[:PATH], once per report\n',
      ],
      [['scan', '-o', 'no/such/dir/r.sarif'], 'keyfence: cannot write report to no/such/dir/r.sarif: directory no/such/dir does not exist\n'],
      [['scan', '-o', 'config'], 'keyfence: cannot write report to config: it is a directory\n'],
      [['rules', '--format', 'json', '--format', 'text'], 'keyfence: --format is given more than once (json, text)\n'],
      [['baseline', '-o', 'nowhere/b.json'], 'keyfence: cannot write baseline to nowhere/b.json: directory nowhere does not exist\n'],
      [['baseline', '--prun'], 'keyfence: unknown option --prun; did you mean --prune?\n'],
      [['scan', '-qf', 'json', '--format', 'sarif'], 'keyfence: --format is given more than once (json, sarif)\n'],
      [['scan', '--report'], 'keyfence: --report needs FORMAT or FORMAT:PATH (formats: text, json, sarif, junit, csv, github, html)\n'],
    ] as const) {
      const r = bin(dir, [...argv]);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toBe(expected);
      expect(r.stderr).not.toMatch(/internal error|ENOENT|\n {4}at /);
    }
  });
});

describe('the default baseline (10.7)', () => {
  it('.keyfence-baseline.json at the root is used without config; the summary says so and how many it allowed', () => {
    const { dir, keyId } = leakyRepo();
    const made = bin(dir, ['baseline']);
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(path.join(dir, '.keyfence-baseline.json'))).toBe(true);
    const r = bin(dir, ['scan']);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^keyfence: no findings in \d+ files? .*; 2 suppressed; baseline \.keyfence-baseline\.json applied: 2 allowed\n$/);
    // A new key still fails, in the tree and in the pre-commit hook.
    write(dir, 'new.env', `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`);
    const again = bin(dir, ['scan']);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/1 finding .*baseline \.keyfence-baseline\.json applied: 2 allowed/);
    git(dir, 'add', 'new.env');
    expect(bin(dir, ['scan', '--staged', '-q']).status).toBe(1);
    // Written to a file, the summary on stderr says it too; JSON keeps what it allowed.
    const j = bin(dir, ['scan', '-o', 'r.json']);
    expect(j.stderr).toContain('baseline .keyfence-baseline.json applied: 2 allowed');
    expect(JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')).suppressed.map((f: { suppressedBy: { stage: string } }) => f.suppressedBy.stage)).toEqual(
      ['baseline', 'baseline'],
    );
    expect(readFileSync(path.join(dir, 'r.json'), 'utf8')).not.toContain(keyId);
  });
});

describe('scanned data cannot drive the terminal or forge output (11.14)', () => {
  const ESC = '\u001b';
  it('a newline or ESC in a file name, an author or a subject is printed escaped, in text and on stderr', () => {
    const dir = tempRepo();
    const keyId = fakeKeyId();
    const nasty = `x\nkeyfence: no findings in 0 files (0 B, 0 ms)\n${ESC}[2J.env`;
    write(dir, nasty, `AWS_ACCESS_KEY_ID=${keyId}\n`);
    git(dir, 'add', '.');
    commit(dir, `subject ${ESC}]0;owned${ESC}\\ here`, { GIT_AUTHOR_NAME: `Eve ${ESC}[31mRed` });
    for (const argv of [['scan'], ['scan', '--history']]) {
      const r = bin(dir, argv);
      expect(r.status, argv.join(' ')).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(ESC);
      expect(r.stdout).not.toMatch(/^keyfence: no findings/m);
      expect(r.stdout).toContain('x\\nkeyfence: no findings in 0 files (0 B, 0 ms)\\n\\x1b[2J.env:1:19');
    }
    const h = bin(dir, ['scan', '--history']);
    expect(h.stdout).toContain('by Eve \\x1b[31mRed');
    expect(h.stdout).toContain('subject \\x1b]0;owned\\x1b\\ here');
    // C1 controls (0x9b: CSI on some terminals) and bidi overrides in the scanned line itself.
    write(dir, 'c1.env', `AWS_ACCESS_KEY_ID=${fakeKeyId()} \u009b2J \u202e tail\n`);
    const c1 = bin(dir, ['scan', 'c1.env']);
    expect(c1.stdout).toMatch(/AKIA…\(redacted\) {2}2J {3}tail/);
    expect(c1.stdout).not.toMatch(/[\u0080-\u009f\u202e]/);
    // A skipped file's name on stderr too.
    write(dir, `big\n::error::fake.txt`, 'x'.repeat(100));
    const s = bin(dir, ['scan', '--no-git', '.', '--max-file-size', '10']);
    expect(s.stderr).toContain('keyfence: skipped big\\n::error::fake.txt: ');
    expect(s.stderr).not.toMatch(/^::/m);
  });
  it('--format github: notes on stderr cannot start a workflow command; annotations carry no ESC', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, `a\n::stop-commands::pwned\n::error file=x::fake 100%.txt`), 'x'.repeat(100));
    writeFileSync(path.join(dir, `k${ESC}[8m.env`), `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`);
    const r = bin(dir, ['scan', '--no-git', '.', '--format', 'github', '--max-file-size', '50']);
    expect(r.status).toBe(1);
    for (const line of (r.stdout + r.stderr).split('\n')) {
      if (line.startsWith('::')) expect(line).toMatch(/^::error file=k\\x1b\[8m\.env,line=1,/);
    }
    expect(r.stderr).toContain('keyfence: skipped a\\n::stop-commands::pwned\\n::error file=x::fake 100%25.txt: ');
    expect(r.stdout + r.stderr).not.toContain(ESC);
  });
  it('JUnit: C1 controls and ESC in a file name, an author and the excerpt are escaped', () => {
    const dir = tempRepo();
    write(dir, `k\u009b2J${ESC}[8m.env`, `AWS_ACCESS_KEY_ID=${fakeKeyId()} \u009b2J \u0085 tail\n`);
    git(dir, 'add', '.');
    commit(dir, 'add', { GIT_AUTHOR_NAME: `Eve \u009b31m${ESC}[31mRed` });
    for (const argv of [
      ['scan', '--format', 'junit'],
      ['scan', '--history', '--format', 'junit'],
    ]) {
      const r = bin(dir, argv);
      expect(r.status, argv.join(' ')).toBe(1);
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).toContain('classname="k\\x9b2J\\x1b[8m.env"');
      expect(r.stdout).toMatch(/AKIA…\(redacted\) {2}2J {3}tail/);
    }
    expect(bin(dir, ['scan', '--history', '--format', 'junit']).stdout).toContain('(Eve \\x9b31m\\x1b[31mRed, ');
  });
  it('install and uninstall name hook files from the repository escaped', () => {
    const dir = tempRepo();
    const hooks = `hooks\u009b2J${ESC}]0;owned${ESC}\\x`;
    git(dir, 'config', 'core.hooksPath', hooks);
    for (const cmd of ['install', 'uninstall']) {
      const r = bin(dir, [cmd]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/[\u001b\u0080-\u009f]/);
      expect(r.stdout).toContain('hooks\\x9b2J\\x1b]0;owned\\x1b\\x/pre-commit');
    }
    // A disabled hook's note on stderr too.
    write(dir, `${hooks}/pre-commit`, '#!/bin/sh\necho mine\n');
    const note = bin(dir, ['install']);
    expect(note.stderr).toContain('keyfence: note: hooks\\x9b2J');
    expect(note.stderr).not.toMatch(/[\u001b\u0080-\u009f]/);
  });
  it('CSV: a formula after a ";" is defused as at the start of a cell', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a;=HYPERLINK("x");b.env'), `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`);
    const r = bin(dir, ['scan', '--no-git', '.', '--format', 'csv']);
    expect(r.stdout).toContain(`"a;'=HYPERLINK(""x"");b.env"`);
  });
});

describe('the HTML report says what was audited and when (10.13)', () => {
  it('repository, remote without credentials, branch, mode, date, version, command; rotation steps; author and date in view', () => {
    const { dir } = leakyRepo();
    git(dir, 'remote', 'add', 'origin', 'https://x-access-token:ghs_notarealtoken@github.com/acme/shop.git');
    const r = bin(dir, ['scan', '--history', '-o', 'audit.html'], { SOURCE_DATE_EPOCH: '1767323045' });
    expect(r.status, r.stderr).toBe(1);
    const html = readFileSync(path.join(dir, 'audit.html'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const scan = /<section id="scan">(.*?)<\/section>/s.exec(html)![1]!;
    expect(scan).toContain(`<dt>Repository</dt><dd>${path.basename(dir)}</dd>`);
    expect(scan).toContain('<dt>Remote</dt><dd class="code">https://github.com/acme/shop.git</dd>');
    expect(html).not.toContain('ghs_notarealtoken');
    expect(scan).toContain('<dt>Branch</dt><dd>main</dd>');
    expect(scan).toContain('<dt>Scanned</dt><dd class="code">commits of all refs</dd>');
    expect(scan).toContain('<dt>Mode</dt><dd>history</dd>');
    expect(scan).toContain('<dt>Date</dt><dd>2026-01-02 03:04:05 UTC</dd>');
    expect(scan).toContain(`<dt>keyfence</dt><dd>${pkg.version}</dd>`);
    expect(scan).toContain('<dt>Command</dt><dd class="code">keyfence scan --history -o audit.html</dd>');
    expect(html).toMatch(/<td class="fix">Deactivate and delete the key in IAM \(aws iam update-access-key/);
    expect(html).toMatch(/<span class="who">Ada Lovelace · 20\d\d-/);
    expect(html).toContain('<span class="subject">add config</span>');
    expect(html).toContain('class="path">config/<wbr>prod.env</td>');
    expect(html).toMatch(/\.commit \.hash\{[^}]*white-space:nowrap/);
  });
  it('a directory chart stays readable with many directories: no "(other)" bar, the rest said in words', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'big.env'), '');
    for (let i = 0; i < 40; i++) write(dir, `d${String(i).padStart(2, '0')}/k.env`, `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`);
    for (let i = 0; i < 3; i++) write(dir, `top/k${i}.env`, `AWS_ACCESS_KEY_ID=${fakeKeyId()}\n`);
    bin(dir, ['scan', '--no-git', '.', '-o', 'r.html']);
    const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
    const bars = [...html.matchAll(/<g class="bar" data-label="([^"]*)" data-count="(\d+)">/g)].map((m) => m[1]);
    expect(bars).not.toContain('(other)');
    expect(bars.filter((b) => b!.endsWith('/'))).toHaveLength(12);
    expect(html).toContain('<p class="more" id="chart-dirs-more">and 29 more directories with 29 findings (see the table)</p>');
  });
});
