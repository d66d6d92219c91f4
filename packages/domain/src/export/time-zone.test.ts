import { describe, expect, it } from 'vitest';
import { isTimeZoneName } from './time-zone.ts';

describe('isTimeZoneName', () => {
  it('takes IANA zone names', () => {
    for (const zone of [
      'UTC',
      'Europe/Moscow',
      'Asia/Yekaterinburg',
      'America/Argentina/Buenos_Aires',
      'Etc/GMT+3',
    ]) {
      expect(isTimeZoneName(zone), zone).toBe(true);
    }
  });

  it('refuses offsets, abbreviations, unknown names and junk', () => {
    for (const zone of [
      '+03:00',
      '-0300',
      'MSK',
      'Europe/Atlantis',
      'europe moscow',
      '',
      'Europe/Moscow; drop',
      'A'.repeat(80),
    ]) {
      expect(isTimeZoneName(zone), zone).toBe(false);
    }
  });
});
