import { isIP } from 'node:net';
import type { PiiDetector } from '../contract/input-contract';
import { IBAN_LENGTHS, ibanValid, luhnValid, spanishIdValid } from './checksums';

/** Where a detector found something in one string: [start, end) offsets, never the value itself. */
export interface Span {
  start: number;
  end: number;
}

/** A national identifier format: a name for operators, a regular expression, an optional check. */
export interface NationalIdFormat {
  name: string;
  pattern: RegExp;
  valid?: (match: string) => boolean;
}

/**
 * Built-in national identifier formats, used when a rule names none. Each is anchored on word
 * boundaries and, where the format has one, confirmed by its check digit.
 */
export const DEFAULT_NATIONAL_ID_FORMATS: readonly NationalIdFormat[] = [
  // US Social Security number: never area 000, 666 or 9xx, group 00 or serial 0000.
  { name: 'us-ssn', pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g },
  // UK National Insurance number (HMRC prefix rules).
  { name: 'uk-nino', pattern: /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g },
  // Spanish DNI and NIE, with their control letter.
  {
    name: 'es-dni',
    pattern: /\b[XYZ]?\d{7,8}-?[A-HJ-NP-TV-Z]\b/g,
    valid: (match) => spanishIdValid(match.replace(/^(\d{7})(?=-?[A-Z]$)/, '0$1')),
  },
  // French social security number (NIR): sex, year, month, department, commune, order, key.
  {
    name: 'fr-nir',
    pattern: /\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b/g,
    valid: (match) => {
      const digits = match.replace(/ /g, '').replace('2A', '19').replace('2B', '18');
      return 97 - Number(BigInt(digits.slice(0, 13)) % 97n) === Number(digits.slice(13));
    },
  },
];

const EMAIL_LOCAL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;

/**
 * E-mail addresses, found from each `@` outward with bounded scans (a regular expression over the
 * local part would be quadratic on long strings without an `@`).
 */
export function findEmails(text: string): Span[] {
  const spans: Span[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < 64 && EMAIL_LOCAL.test(text[start - 1])) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && EMAIL_DOMAIN.test(text[end])) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--; // a sentence's full stop
    const domain = text.slice(at + 1, end);
    const labels = domain.split('.');
    const tld = labels[labels.length - 1];
    if (
      start < at &&
      labels.length >= 2 &&
      labels.every((label) => label.length > 0 && label.length <= 63) &&
      /^[A-Za-z]{2,63}$/.test(tld)
    ) {
      spans.push({ start, end });
      at = text.indexOf('@', end);
    } else {
      at = text.indexOf('@', at + 1);
    }
  }
  return spans;
}

/**
 * Phone numbers: international (+ and 8–15 digits, separators allowed) or national written in groups
 * (`(415) 555-2671`, `020 7946 0958`, `06 12 34 56 78`): 9–15 digits. A bare digit run without + is
 * not taken for a phone number (order numbers, amounts), nor is an IP address or a date.
 */
const PHONE =
  /(?<![\w+])(?<!\d[ .-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{1,4}){1,5}|\(\d{2,4}\)[ .-]?\d{2,4}(?:[ .-]\d{2,4}){1,3}|\d{2,4}(?:[ .-]\d{2,4}){2,4})(?![\w])(?![ .-]\d)/g;

export function findPhones(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(PHONE)) {
    const candidate = match[0];
    const digits = candidate.replace(/\D/g, '').length;
    const international = candidate.startsWith('+');
    if (digits < (international ? 8 : 9) || digits > 15) continue;
    if (!international && isIP(candidate)) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(candidate)) continue;
    spans.push({ start: match.index, end: match.index + candidate.length });
  }
  return spans;
}

/** Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes, Luhn-valid. */
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;

export function findPaymentCards(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(CARD)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (luhnValid(digits) && !/^(\d)\1+$/.test(digits)) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/** IBANs: country code, check digits, BBAN (optionally in groups of four), length and mod-97 checked. */
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

export function findIbans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(IBAN)) {
    const length = IBAN_LENGTHS[match[0].slice(0, 2)];
    if (length === undefined) continue;
    // The greedy match may run into a following word: try the country's exact length.
    let taken = 0;
    let end = 0;
    const raw = match[0];
    while (end < raw.length && taken < length) {
      if (raw[end] !== ' ') taken++;
      end++;
    }
    if (taken === length && ibanValid(raw.slice(0, end).replace(/ /g, ''))) spans.push({ start: match.index, end: match.index + end });
  }
  return spans;
}

export function findNationalIds(text: string, formats: readonly NationalIdFormat[]): Span[] {
  const spans: Span[] = [];
  for (const format of formats) {
    format.pattern.lastIndex = 0;
    for (const match of text.matchAll(format.pattern)) {
      if (match[0].length === 0) continue;
      if (!format.valid || format.valid(match[0])) spans.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  return spans;
}

/** IPv4 and IPv6 candidates, each confirmed by node:net isIP. */
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;

export function findIpAddresses(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(IPV4)) if (isIP(match[0]) === 4) spans.push({ start: match.index, end: match.index + match[0].length });
  if (text.includes(':')) {
    for (const match of text.matchAll(IPV6)) {
      if (/[0-9A-Fa-f]/.test(match[0]) && isIP(match[0]) === 6) spans.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  return spans;
}

/** What a string is made of, counted in one pass: decides which detectors can possibly match. */
export interface TextProfile {
  digits: number;
  at: boolean;
  dot: boolean;
  colons: number;
}

export function profileText(text: string): TextProfile {
  let digits = 0;
  let at = false;
  let dot = false;
  let colons = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
    else if (code === 64) at = true;
    else if (code === 46) dot = true;
    else if (code === 58) colons++;
  }
  return { digits, at, dot, colons };
}

/**
 * Cheap pre-checks: a detector runs only on strings that could hold what it looks for (most strings
 * of an inference body are short feature values that no detector needs to see).
 */
export function detectorApplies(detector: PiiDetector, profile: TextProfile, customNationalIds: boolean): boolean {
  switch (detector) {
    case 'email':
      return profile.at;
    case 'phone':
      return profile.digits >= 8;
    case 'paymentCard':
      return profile.digits >= 13;
    case 'iban':
      return profile.digits >= 4;
    case 'nationalId':
      return customNationalIds || profile.digits >= 6;
    case 'ipAddress':
      return (profile.digits >= 4 && profile.dot) || profile.colons >= 2;
  }
}
