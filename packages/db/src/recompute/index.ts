export * from './baseline.ts';
export * from './recompute.ts';
