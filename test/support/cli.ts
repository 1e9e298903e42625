/** Runs a CLI command's `run(argv)` in-process, capturing what it writes to stdout and stderr. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(run: (argv: string[]) => Promise<number>, argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => { stdout += String(c); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => { stderr += String(c); return true; }) as typeof process.stderr.write;
  try {
    return { code: await run(argv), stdout, stderr };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}
