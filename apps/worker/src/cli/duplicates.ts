import { CliError, type CliIo } from './common.ts';

export const usage = 'Usage: pnpm cb duplicates … (being built)\n';

export async function run(_args: string[], _io: CliIo): Promise<number> {
  throw new CliError('pnpm cb duplicates is not built yet', 1);
}
