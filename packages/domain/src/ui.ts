/**
 * The light part of the domain for a browser screen: the vocabularies and their RU/EN labels, without
 * the schemas and phone metadata (a screen that imports only this stays small).
 */
export * from './i18n/index.ts';
export * from './vocabulary.ts';
