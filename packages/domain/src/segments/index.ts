export * from './evaluate.ts';
export * from './rule.ts';
export * from './text.ts';
