/**
 * `pnpm cb <command> …`: the operator's tool for big files and scripted runs, on the same database
 * as the app (`DATABASE_URL`, or the embedded data folder while the app is stopped).
 *
 *   pnpm cb import FILE [--map NAME] [--policy …]   import a CSV or XLSX file, with a progress bar
 *   pnpm cb export …                               a list, segment or view to CSV or XLSX
 *   pnpm cb duplicates …                           scan, list and export candidate duplicates
 */
import { CliError, type CliIo } from './common.ts';

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command; usage: string }>> = {
  import: () => import('./import.ts'),
  export: () => import('./export.ts'),
  duplicates: () => import('./duplicates.ts'),
};

const USAGE = `Usage: pnpm cb <command> [options]

Commands:
  import FILE       import clients from a CSV or XLSX file
  export            export clients (a view, segment or list) to CSV or XLSX
  duplicates        find, list and export duplicate clients

Run "pnpm cb <command> --help" for a command's options.
Database: DATABASE_URL, or the embedded folder CB_DATA_DIR (default ./.data; stop the app first).
`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`cb failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
