import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const withHeader = (value?: string) => ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(requestIdFor.name, () => {
  it('keeps a plain incoming id', () => {
    expect(requestIdFor(withHeader('abc-123_x.y:z'))).toBe('abc-123_x.y:z');
  });

  it.each([
    ['', 'empty'],
    ['a b', 'space'],
    ['a\nb', 'newline'],
    ['<script>', 'markup'],
    ['x'.repeat(129), 'too long'],
    ['ü', 'non-ASCII'],
  ])('replaces %j (%s) with a fresh UUID', (value) => {
    expect(requestIdFor(withHeader(value))).toMatch(UUID);
  });

  it('generates distinct ids when none is sent', () => {
    const ids = new Set(Array.from({ length: 100 }, () => requestIdFor(withHeader())));
    expect(ids.size).toBe(100);
  });
});
