/**
 * `synthlab kernel --connection-file F`: run the Jupyter kernel.
 * `synthlab kernel install [--user | --prefix P | --sys-prefix] [--name N]`: write the kernelspec.
 */
import { installKernelspec, type InstallTarget } from "../../kernel/protocol/kernelspec.js";

const USAGE = `Usage:
  synthlab kernel --connection-file FILE     run the kernel (Jupyter starts it this way)
  synthlab kernel install [--user | --prefix PATH | --sys-prefix] [--name NAME]
                                             install the kernelspec (default: --user)`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (argv[0] === "install") return install(argv.slice(1));

  let connectionFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--connection-file" || arg === "-f") connectionFile = argv[++i];
    else if (arg.startsWith("--connection-file=")) connectionFile = arg.slice("--connection-file=".length);
    else return usageError(`unknown option "${arg}"`);
  }
  if (!connectionFile) return usageError("--connection-file FILE is required");
  const { runKernel } = await import("../../kernel/main.js");
  let code: number;
  try {
    code = await runKernel({ connectionFile });
  } catch (err) {
    // A kernel that cannot start (unreadable connection file, ports taken) says why in one line and
    // exits, rather than waiting on the engine that was loading meanwhile.
    process.stderr.write(`synthlab kernel: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  // Sockets and the worker are closed by now; exit even if a cell left timers behind.
  process.exit(code);
}

function install(argv: string[]): number {
  let target: InstallTarget = { kind: "user" };
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--user") target = { kind: "user" };
    else if (arg === "--sys-prefix") target = { kind: "prefix", prefix: process.env["VIRTUAL_ENV"] ?? "/usr/local" };
    else if (arg === "--prefix") {
      const prefix = argv[++i];
      if (!prefix) return usageError("--prefix needs a path");
      target = { kind: "prefix", prefix };
    } else if (arg.startsWith("--prefix=")) target = { kind: "prefix", prefix: arg.slice("--prefix=".length) };
    else if (arg === "--name") {
      name = argv[++i];
      if (!name || !/^[a-z0-9._-]+$/i.test(name)) return usageError("--name needs a kernel name of letters, digits, . _ -");
    } else return usageError(`unknown option "${arg}"`);
  }
  const dir = installKernelspec(target, name);
  process.stdout.write(`Installed kernelspec ${name ?? "synthlab"} in ${dir}\n`);
  return 0;
}

function usageError(problem: string): number {
  process.stderr.write(`synthlab kernel: ${problem}.\n${USAGE}\n`);
  return 2;
}
