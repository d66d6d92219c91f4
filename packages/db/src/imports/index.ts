export * from './apply.ts';
export * from './records.ts';
export * from './run-state.ts';
export * from './undo.ts';
