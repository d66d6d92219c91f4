/**
 * `tsx bench/write-contacts.ts PATH ROWS`: writes the bench's contacts file (`writeContactsFile`)
 * and prints its figures as JSON. The import bench runs it as a child process, so the generator's
 * memory (it keeps every person it may repeat) is not counted in the import's peak.
 */
import { writeContactsFile } from './contacts.ts';

const [path, rows] = process.argv.slice(2);
if (!path || !rows || !/^\d+$/.test(rows)) {
  console.error('usage: tsx bench/write-contacts.ts PATH ROWS');
  process.exit(2);
}
const stats = await writeContactsFile(path, { rows: Number(rows) });
process.stdout.write(`${JSON.stringify(stats)}\n`);
