import { GatewayMetrics } from '@infergate/observability';
import { piiRule } from '../contract/contract-document';
import type { PiiRule } from '../contract/input-contract';
import { ibanValid, luhnValid } from './checksums';
import {
  DEFAULT_NATIONAL_ID_FORMATS,
  findEmails,
  findIbans,
  findIpAddresses,
  findNationalIds,
  findPaymentCards,
  findPhones,
} from './detectors';
import { PiiScanner } from './pii-scanner';

const found = (spans: { start: number; end: number }[], text: string) => spans.map((s) => text.slice(s.start, s.end));
const rule = (raw: unknown): PiiRule => piiRule(raw);

describe('checksums', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4000056655665556'])('Luhn accepts %s', (n) => {
    expect(luhnValid(n)).toBe(true);
  });
  it.each(['4111111111111112', '1234567812345678', '378282246310006'])('Luhn refuses %s', (n) => {
    expect(luhnValid(n)).toBe(false);
  });
  it.each(['DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'NO9386011117947'])(
    'IBAN accepts %s',
    (iban) => expect(ibanValid(iban)).toBe(true),
  );
  it.each([
    ['a wrong check digit', 'DE89370400440532013001'],
    ['a wrong length for the country', 'DE8937040044053201300'],
    ['an unknown country', 'QQ89370400440532013000'],
  ])('IBAN refuses %s', (_name, iban) => expect(ibanValid(iban)).toBe(false));
});

describe('detectors', () => {
  it('e-mail addresses', () => {
    const text = 'Write to jane.doe+ml@example.co.uk or ops@corp.internal.io. Not: @handle, a@b, foo@bar., user@localhost';
    expect(found(findEmails(text), text)).toEqual(['jane.doe+ml@example.co.uk', 'ops@corp.internal.io']);
  });

  it('e-mail scan is linear on a long string without a domain', () => {
    const text = `${'a'.repeat(200_000)}@${'b'.repeat(200_000)}`;
    const started = Date.now();
    expect(findEmails(text)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('phone numbers, international and national, not plain short numbers or IPs', () => {
    const phones = [
      '+44 20 7946 0958',
      '+1 (415) 555-2671',
      '+14155552671',
      '(415) 555-2671',
      '415-555-2671',
      '020 7946 0958',
      '06 12 34 56 78',
    ];
    for (const phone of phones) expect(found(findPhones(`call ${phone} now`), `call ${phone} now`)).toEqual([phone]);
    for (const text of ['order 12345', 'year 2024', 'id 4155552671', 'on 2024-01-15', 'at 192.168.100.200', 'v1.2.3', 'costs 1 500 EUR']) {
      expect(findPhones(text)).toEqual([]);
    }
  });

  it('payment cards: Luhn-valid, spaced or dashed, 13–19 digits', () => {
    const text = 'cards 4111 1111 1111 1111, 5555-5555-5555-4444 and 378282246310005; not 4111 1111 1111 1112 nor 1234567890123';
    expect(found(findPaymentCards(text), text)).toEqual(['4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005']);
    expect(findPaymentCards('0000000000000000')).toEqual([]);
  });

  it('IBANs: grouped or compact, checksum verified, not running into the next word', () => {
    const text = 'Pay DE89 3704 0044 0532 0130 00 today, or GB82WEST12345698765432. Not DE89 3704 0044 0532 0130 01.';
    expect(found(findIbans(text), text)).toEqual(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432']);
  });

  it('national ids: built-in formats', () => {
    const text = 'SSN 123-45-6789, NINO AB 12 34 56 C, DNI 12345678Z; not 000-12-3456, not 666-12-3456, not 12345678A';
    expect(found(findNationalIds(text, DEFAULT_NATIONAL_ID_FORMATS), text)).toEqual(['123-45-6789', 'AB 12 34 56 C', '12345678Z']);
  });

  it('IP addresses, v4 and v6, checked by node:net', () => {
    const text = 'from 10.0.0.1, 2001:db8::8a2e:370:7334 and ::1; not 999.1.1.1, 12:30:45, std::vector or 1.2.3';
    expect(found(findIpAddresses(text), text)).toEqual(['10.0.0.1', '2001:db8::8a2e:370:7334', '::1']);
  });
});

describe('PiiScanner', () => {
  const metrics = new GatewayMetrics();
  const scanner = new PiiScanner(metrics);

  async function counted(detector: string, direction: string, action: string): Promise<number> {
    const values = (await metrics.piiMatches.get()).values;
    return values.find((v) => v.labels.detector === detector && v.labels.direction === direction && v.labels.action === action)?.value ?? 0;
  }

  it('redacts in a copy, leaves the original untouched, and reports pointers without values', async () => {
    const body = Object.freeze({
      inputs: Object.freeze({
        note: 'mail jane@example.com or call +44 20 7946 0958',
        ip: 'client 10.1.2.3',
        age: 42,
        nested: Object.freeze([Object.freeze({ text: 'card 4111 1111 1111 1111' })]),
      }),
    });
    const before = JSON.stringify(body);
    const result = scanner.scanInput(
      rule({ input: { email: 'redact', phone: 'redact', paymentCard: 'redact', ipAddress: 'allow' } }),
      body,
    );
    expect(result.action).toBe('forward');
    expect(result.body).toEqual({
      inputs: {
        note: 'mail [REDACTED:email] or call [REDACTED:phone]',
        ip: 'client 10.1.2.3',
        age: 42,
        nested: [{ text: 'card [REDACTED:paymentCard]' }],
      },
    });
    expect(JSON.stringify(body)).toBe(before);
    expect(result.matches).toEqual(
      expect.arrayContaining([
        { detector: 'email', count: 1, pointer: '/inputs/note', action: 'redact' },
        { detector: 'phone', count: 1, pointer: '/inputs/note', action: 'redact' },
        { detector: 'paymentCard', count: 1, pointer: '/inputs/nested/0/text', action: 'redact' },
      ]),
    );
    expect(result.matches).toHaveLength(3); // ipAddress is 'allow': not even looked for
    expect(JSON.stringify(result.matches)).not.toMatch(/jane|4111|7946/);
    expect(await counted('email', 'input', 'redact')).toBeGreaterThanOrEqual(1);
  });

  it('rejects when a reject detector matches, without modifying anything', () => {
    const body = { instances: [{ comment: 'fine' }, { comment: 'IBAN DE89370400440532013000' }] };
    const result = scanner.scanInput(rule({ input: { iban: 'reject', email: 'redact' } }), body);
    expect(result).toEqual({
      action: 'reject',
      body,
      matches: [{ detector: 'iban', count: 1, pointer: '/instances/1/comment', action: 'reject' }],
    });
  });

  it('forwards the same object when nothing matched', () => {
    const body = { inputs: { text: 'nothing personal here' } };
    expect(scanner.scanInput(rule({ input: { email: 'redact', phone: 'reject' } }), body)).toEqual({
      action: 'forward',
      body,
      matches: [],
    });
  });

  it('uses custom national id patterns instead of the built-in ones', () => {
    const custom = rule({ input: { nationalId: 'redact' }, nationalIdPatterns: [{ name: 'employee', pattern: 'EMP-\\d{6}' }] });
    const result = scanner.scanInput(custom, { text: 'EMP-123456 and SSN 123-45-6789' });
    expect(result.body).toEqual({ text: '[REDACTED:nationalId] and SSN 123-45-6789' });
  });

  it('output: blocks, redacts, and finds canaries in text or JSON', async () => {
    const outputRule = rule({ output: { email: 'redact', paymentCard: 'block' }, canaries: ['CANARY-7f3a'], canaryAction: 'redact' });
    expect(scanner.scanOutput(outputRule, 'contact a@example.org, secret CANARY-7f3a.')).toEqual({
      action: 'forward',
      body: 'contact [REDACTED:email], secret [REDACTED:canary].',
      matches: [
        { detector: 'email', count: 1, pointer: '', action: 'redact' },
        { detector: 'canary', count: 1, pointer: '', action: 'redact' },
      ],
    });
    expect(scanner.scanOutput(outputRule, { choices: [{ text: 'card 4111111111111111' }] }).action).toBe('block');

    const blockCanary = rule({ canaries: ['SYSTEM PROMPT v3'] });
    const blocked = scanner.scanOutput(blockCanary, { outputs: [{ data: ['ok', 'leaking SYSTEM PROMPT v3 now'] }] });
    expect(blocked.action).toBe('block');
    expect(blocked.matches).toEqual([{ detector: 'canary', count: 1, pointer: '/outputs/0/data/1', action: 'block' }]);
    expect(await counted('canary', 'output', 'block')).toBeGreaterThanOrEqual(1);
  });

  it('accepts a stored rule that skipped the schema defaults', () => {
    const raw = { output: { email: 'block' } } as unknown as PiiRule;
    expect(scanner.scanOutput(raw, 'x@example.com').action).toBe('block');
    expect(scanner.scanInput(raw, 'x@example.com').action).toBe('forward');
  });

  it('works without metrics and never throws on odd JSON', () => {
    const bare = new PiiScanner();
    const everything = rule({
      input: { email: 'redact', phone: 'redact', paymentCard: 'redact', iban: 'redact', nationalId: 'redact', ipAddress: 'redact' },
    });
    for (const body of [null, 1, true, 'x', [], {}, [[[['a@b.co']]]], { '': '' }])
      expect(() => bare.scanInput(everything, body)).not.toThrow();
    expect(bare.scanInput(everything, [[[['a@b.co']]]]).body).toEqual([[[['[REDACTED:email]']]]]);
  });
});
