export * from './can-contact.ts';
export * from './proof.ts';
export * from './render.ts';
