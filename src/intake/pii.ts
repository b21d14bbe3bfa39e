/**
 * Finding personal data (PII) in an issue's title and description, so the issue can be made
 * confidential as the handbook asks. Detection errs on the side of privacy, but does not fire on:
 * GitLab usernames (`@amy.owner`), addresses at reserved example domains (example.com, .test, ...),
 * ISO dates and times (`2026-11-18`, `2026-11-18T15:00:00Z`), version numbers, or issue references.
 */

export type PiiKind = "email address" | "phone number" | "social security number" | "payment card number";

export interface PiiFinding {
  kind: PiiKind;
  /** Where it was found. */
  field: "title" | "description";
  /** The text found; used only to tell findings apart (a hash), never repeated in a note. */
  value: string;
}

export interface PiiOptions {
  /** Domains whose addresses are never personal data (e.g. the company's shared inboxes' domain). */
  allowedEmailDomains?: readonly string[];
}

/** RFC 2606 / 6761 reserved names: never anyone's address. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

const EMAIL = /(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})(?![\w-]*@)/g;

/** `+1 (555) 010-2334`, `+44 20 7946 0958`, `555-010-2334`, `(555) 010 2334`, `555.010.2334`. */
const PHONE = /(?<![\w+.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{2,4}[\s.-]\d{3,4}(?:[\s.-]\d{2,4})?(?![\w.-]*\d)/g;

/** US social security numbers, `123-45-6789` (never an ISO date: those are 4-2-2). */
const SSN = /(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])/g;

/** 13-19 digits, optionally grouped by spaces or dashes, checked with Luhn. */
const CARD = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function digitsOf(text: string): string {
  return text.replace(/\D/g, "");
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function looksLikePhone(match: string): boolean {
  const digits = digitsOf(match);
  if (digits.length < 10 || digits.length > 15) return false;
  if (ISO_DATE.test(match.trim())) return false;
  // A leading + or a (area code) is a phone; otherwise ask for the North American 3-3-4 grouping
  // or separators throughout, which version numbers and ids rarely have.
  if (/^\s*\+/.test(match) || /\(\d{2,4}\)/.test(match)) return true;
  return /^\d{3}[\s.-]\d{3}[\s.-]\d{4}$/.test(match.trim()) || /^\d{2,4}([\s.-])\d{2,4}\1\d{3,4}(\1\d{2,4})?$/.test(match.trim());
}

function findIn(text: string, field: PiiFinding["field"], options: PiiOptions): PiiFinding[] {
  const found: PiiFinding[] = [];
  const allowed = new Set((options.allowedEmailDomains ?? []).map((d) => d.toLowerCase()));
  for (const m of text.matchAll(EMAIL)) {
    const domain = m[1]!.toLowerCase();
    if (RESERVED_DOMAIN.test(domain) || allowed.has(domain)) continue;
    // `git@gitlab.com:group/project.git` is a repository address, not a person's.
    if (/^git@/i.test(m[0]) && text[m.index + m[0].length] === ":") continue;
    found.push({ kind: "email address", field, value: m[0].toLowerCase() });
  }
  // Emails are removed first so their digits are not read as phone numbers.
  const rest = text.replace(EMAIL, " ");
  const ssnSpans: string[] = [];
  for (const m of rest.matchAll(SSN)) {
    ssnSpans.push(m[0]);
    found.push({ kind: "social security number", field, value: m[0] });
  }
  for (const m of rest.matchAll(CARD)) {
    const digits = digitsOf(m[0]);
    if (digits.length >= 13 && luhn(digits) && !/^0+$/.test(digits)) found.push({ kind: "payment card number", field, value: digits });
  }
  for (const m of rest.matchAll(PHONE)) {
    if (ssnSpans.includes(m[0].trim())) continue;
    if (looksLikePhone(m[0])) found.push({ kind: "phone number", field, value: digitsOf(m[0]) });
  }
  return found;
}

/** Every piece of personal data in the title and description, duplicates removed. */
export function findPii(title: string, description: string, options: PiiOptions = {}): PiiFinding[] {
  const all = [...findIn(title, "title", options), ...findIn(description, "description", options)];
  const seen = new Set<string>();
  return all.filter((f) => {
    const key = `${f.kind}\u0000${f.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A short, stable fingerprint of what was found (FNV-1a), so new personal data gives a new marker. */
export function piiFingerprint(findings: readonly PiiFinding[]): string {
  const text = findings.map((f) => `${f.kind}:${f.value}`).sort().join("\n");
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** "2 email addresses and a phone number" — what a note says, without repeating the data. */
export function describeFindings(findings: readonly PiiFinding[]): string[] {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const key = `${f.kind} in the ${f.field}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => (n === 1 ? `an ${what}`.replace(/^an ([^aeiou])/, "a $1") : `${n} × ${what}`));
}
