export * from './compile.ts';
export * from './queries.ts';
