// The conversion thread's entry, plain JavaScript so that it starts whatever runs this process
// (tsx, vitest): it loads the TypeScript body through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./convert-thread.ts', import.meta.url);
