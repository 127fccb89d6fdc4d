import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeAll, writeChunks } from '../src/cli/writeAll.js';

/** A stream that records what it is given, or fails every write with `code` (as Node's do: the write's callback gets the error, then 'error' is emitted). */
function stream(code?: string): NodeJS.WriteStream & { got: string[] } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { got: string[] };
  s.got = [];
  s.write = ((data: string, cb: () => void) => {
    if (code) {
      const err = Object.assign(new Error(`write ${code}`), { code });
      setImmediate(() => {
        cb();
        s.emit('error', err);
      });
      return false;
    }
    s.got.push(String(data));
    setImmediate(cb);
    return true;
  }) as never;
  return s;
}

describe('writeAll / writeChunks: output to a process stream', () => {
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(() => stderr.mockClear());

  it('writeAll resolves once written; EPIPE (the reader went away) is dropped quietly, other errors are one line', async () => {
    const ok = stream();
    await writeAll(ok, 'report\n');
    expect(ok.got).toEqual(['report\n']);
    await writeAll(stream('EPIPE'), 'x');
    expect(stderr).not.toHaveBeenCalled();
    await writeAll(stream('ENOSPC'), 'x', 'git-secrets');
    expect(stderr).toHaveBeenCalledWith('git-secrets: cannot write output: ENOSPC\n');
  });

  it('writeChunks gathers small pieces into writes of about 64 kB, in order, from sync and async sources', async () => {
    const s = stream();
    const piece = 'y'.repeat(1000);
    await writeChunks(
      s,
      Array.from({ length: 150 }, () => piece),
    );
    expect(s.got.join('')).toBe(piece.repeat(150));
    expect(s.got.length).toBe(3); // 66 kB, 66 kB, the 18 kB rest
    const a = stream();
    await writeChunks(
      a,
      (async function* () {
        yield 'a';
        yield 'b';
      })(),
    );
    expect(a.got).toEqual(['ab']);
  });

  it('writeChunks stops at the first failed write: EPIPE quietly, anything else with one line', async () => {
    const chunks = function* () {
      for (let i = 0; i < 200; i++) yield 'z'.repeat(1000);
    };
    await writeChunks(stream('EPIPE'), chunks());
    expect(stderr).not.toHaveBeenCalled();
    const failing = stream('EIO');
    const wrote = vi.spyOn(failing, 'write');
    await writeChunks(failing, chunks());
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(stderr).toHaveBeenCalledWith('keyfence: cannot write output: EIO\n');
    expect(wrote).toHaveBeenCalledTimes(1); // nothing more after the failure
  });
});
