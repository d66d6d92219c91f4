/**
 * The columns a client export can write, by key: the one list the web app's export dialog offers
 * (in this order) and the worker resolves into headers and cells. Custom fields are columns too,
 * as `custom.<key>`, and are not listed here.
 */
export const exportColumnKeys = [
  'displayName',
  'lastName',
  'firstName',
  'patronymic',
  'kind',
  'legalName',
  'inn',
  'kpp',
  'phones',
  'emails',
  'birthday',
  'city',
  'address',
  'tags',
  'stage',
  'temperature',
  'temperatureScore',
  'sourceChannel',
  'sourceBatch',
  'externalId',
  'owner',
  'createdAt',
  'updatedAt',
] as const;
export type ExportColumnKey = (typeof exportColumnKeys)[number];

export const isExportColumnKey = (key: string): key is ExportColumnKey =>
  (exportColumnKeys as readonly string[]).includes(key);
