export * from './keys.ts';
export * from './merge.ts';
export * from './outbox.ts';
export * from './pairs.ts';
export * from './scan.ts';
