/**
 * Writes `data` to a process stream and resolves once it is handed to the OS. When the reader
 * has gone away (`keyfence scan | head -1`: EPIPE) the rest is dropped quietly; any other write
 * error is one line on stderr. Never rejects, so no stack trace reaches the terminal.
 */
export function writeAll(stream: NodeJS.WriteStream, data: string | Buffer, who = 'keyfence'): Promise<void> {
  return new Promise((resolve) => {
    stream.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') process.stderr.write(`${who}: cannot write output: ${err.code ?? err.message}\n`);
      resolve();
    });
    stream.write(data, () => resolve());
  });
}
