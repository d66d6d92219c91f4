export * from './compile.ts';
export * from './preview.ts';
export * from './queries.ts';
