export * from './bulk.ts';
export * from './demo.ts';
export * from './generate.ts';
export * from './random.ts';
