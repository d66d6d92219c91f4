/**
 * E-mail addresses are stored lowercased with the domain in ASCII (punycode), so `Ivan@Пример.РФ`
 * and `ivan@xn--e1afmkfd.xn--p1ai` are one address for search, duplicates and campaigns.
 * The local part is lowercased too: strictly it is case-sensitive, but no real mailbox provider
 * treats it so, and keeping case would split one client into two.
 */
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';

/** Unquoted local-part characters; Unicode letters allowed (RFC 6531, `иван@почта.рф`). */
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
/** One ASCII DNS label after IDN conversion. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The WHATWG URL parser does UTS #46 IDN processing (NFC, mapping, punycode), a pure computation.
 * It is reached through `globalThis` because this package compiles without DOM or Node typings.
 */
type UrlCtor = new (input: string) => { hostname: string };
const WhatwgUrl = (globalThis as unknown as { URL: UrlCtor }).URL;

function toAsciiDomain(domain: string): string | null {
  try {
    return new WhatwgUrl(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

function asciiDomainIsSane(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253) return false;
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  // A numeric top-level label means an IP address, not a mailbox domain.
  return !/^\d+$/.test(labels[labels.length - 1]!);
}

export function normalizeEmail(raw: string, field = 'email'): Result<string, FieldIssue> {
  const text = raw.trim().toLowerCase();
  const invalid = () => fail(issue(field, 'email_invalid', `Not a valid e-mail address: ${raw.trim()}`));
  if (text === '' || /\s/u.test(text)) return invalid();
  const at = text.indexOf('@');
  if (at <= 0 || at !== text.lastIndexOf('@')) return invalid();
  const local = text.slice(0, at).normalize('NFC');
  const domainRaw = text.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return invalid();
  // Checked before conversion: the URL parser would quietly accept `a..b` or a trailing dot.
  if (!/^[^.]+(?:\.[^.]+)+$/u.test(domainRaw)) return invalid();
  const domain = toAsciiDomain(domainRaw);
  if (domain === null || !asciiDomainIsSane(domain)) return invalid();
  const address = `${local}@${domain}`;
  return address.length > 254 ? invalid() : ok(address);
}
