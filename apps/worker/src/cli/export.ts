import { CliError, type CliIo } from './common.ts';

export const usage = 'Usage: pnpm cb export … (being built)\n';

export async function run(_args: string[], _io: CliIo): Promise<number> {
  throw new CliError('pnpm cb export is not built yet', 1);
}
