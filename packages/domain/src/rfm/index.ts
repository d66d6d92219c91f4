export * from './groups.ts';
export * from './rfm.ts';
