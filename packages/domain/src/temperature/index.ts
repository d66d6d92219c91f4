export * from './assess.ts';
export * from './policy.ts';
export * from './preview.ts';
export * from './reason.ts';
export * from './render.ts';
