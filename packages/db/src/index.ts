export * from './client.ts';
export * from './raw.ts';
export * as schema from './schema/index.ts';
export * from './queries/index.ts';
