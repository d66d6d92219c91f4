export * from './client.ts';
export * from './queries/index.ts';
export * from './raw.ts';
export * from './recompute/index.ts';
export * as schema from './schema/index.ts';
export * from './seed/index.ts';
export * from './segments/index.ts';
export * from './session.ts';
export * from './temperature/index.ts';
