/**
 * An IANA time zone name (`Europe/Moscow`, `Asia/Yekaterinburg`, `UTC`) that both the JavaScript
 * runtime and PostgreSQL read the same way. Offsets (`+03:00`) and abbreviations (`MSK`) are
 * refused: PostgreSQL reads a bare offset in the POSIX sense, with the sign turned round, so
 * `+03:00` would put times six hours off.
 */
const ZONE_NAME = /^(?:UTC|[A-Z][A-Za-z_-]*(?:\/[A-Za-z0-9_+-]+){1,2})$/;

export function isTimeZoneName(name: string): boolean {
  if (name.length > 64 || !ZONE_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
