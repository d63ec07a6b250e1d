/** Where a command writes: human text, and the one JSON object that ends a `--json` run. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function defaultIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** With --json the result is ONE line of JSON, the last line on stdout; otherwise a readable block. */
export function emitResult(io: CommandIO, json: boolean, result: unknown, human: () => string): void {
  if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else io.stdout.write(`${human()}\n`);
}

export function note(io: CommandIO, line: string): void {
  io.stderr.write(`${line}\n`);
}
