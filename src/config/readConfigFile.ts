import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError } from './configError.js';

/** Largest config-ish file keyfence reads (.keyfence.json, .gitallowed): far above any real one. */
export const CONFIG_MAX_BYTES = 4 << 20;
/** Largest baseline file keyfence reads (a baseline of 100,000 findings is ~25 MB). */
export const BASELINE_MAX_BYTES = 64 << 20;

/**
 * The text of a configuration file (`.keyfence.json`, `.gitallowed`, a baseline), read safely:
 * opened without blocking (a FIFO cannot hang the scan), then fstat'ed on the open descriptor
 * (no race with a swapped path): only a regular file of at most `maxBytes` is read, so
 * `/dev/zero`, a FIFO, a directory or a huge file is one ConfigError naming `shown`, never an
 * allocation without end. Returns undefined when the file does not exist and `missingOk`.
 */
export function readConfigFile(
  file: string,
  shown: string,
  opts: { maxBytes?: number; encoding?: BufferEncoding; missingOk?: boolean } = {},
): string | undefined {
  const maxBytes = opts.maxBytes ?? CONFIG_MAX_BYTES;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.missingOk) return undefined;
    throw new ConfigError(`${shown}: cannot read (${code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConfigError(`${shown}: not a regular file (keyfence reads configuration only from regular files)`);
    if (st.size > maxBytes) throw new ConfigError(`${shown}: too large (${st.size} bytes; the limit is ${maxBytes})`);
    // Read at most maxBytes + 1: a file that grew after fstat is still caught.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (let n; got < buf.length && (n = readSync(fd, buf, got, buf.length - got, null)) > 0; ) got += n;
    if (got > maxBytes) throw new ConfigError(`${shown}: too large (more than ${maxBytes} bytes)`);
    return buf.toString(opts.encoding ?? 'utf8', 0, got);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${shown}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  } finally {
    closeSync(fd);
  }
}
