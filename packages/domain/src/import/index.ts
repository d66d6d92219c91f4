export * from './cells.ts';
export * from './escape.ts';
export * from './mapping.ts';
export * from './purchases.ts';
export * from './row.ts';
