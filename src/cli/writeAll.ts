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

/**
 * Writes `chunks` to a process stream one after the other (gathered into pieces of about 64 kB),
 * waiting for each write, so a huge report never sits in memory as one string. When the reader
 * has gone away (EPIPE) the rest is dropped quietly; any other write error is one line on stderr.
 */
export async function writeChunks(stream: NodeJS.WriteStream, chunks: Iterable<string> | AsyncIterable<string>, who = 'keyfence'): Promise<void> {
  let failed = false;
  const onError = (err: NodeJS.ErrnoException) => {
    if (!failed && err.code !== 'EPIPE') process.stderr.write(`${who}: cannot write output: ${err.code ?? err.message}\n`);
    failed = true;
  };
  stream.on('error', onError);
  const put = (data: string) => new Promise<void>((resolve) => stream.write(data, () => resolve()));
  try {
    let buffered = '';
    for await (const chunk of chunks) {
      if (failed) return;
      buffered += chunk;
      if (buffered.length >= 1 << 16) {
        await put(buffered);
        buffered = '';
      }
    }
    if (buffered && !failed) await put(buffered);
  } finally {
    stream.off('error', onError);
  }
}
