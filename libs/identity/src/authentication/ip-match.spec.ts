import { ipInAnyCidr } from './ip-match';

describe(ipInAnyCidr.name, () => {
  it.each([
    ['10.1.2.3', ['10.0.0.0/8'], true],
    ['11.1.2.3', ['10.0.0.0/8'], false],
    ['192.168.1.77', ['10.0.0.0/8', '192.168.1.0/24'], true],
    ['::ffff:10.0.0.5', ['10.0.0.0/8'], true],
    ['2001:db8::1', ['2001:db8::/32'], true],
    ['2001:db9::1', ['2001:db8::/32'], false],
    ['127.0.0.1', ['::1/128'], false],
  ])('%s in %j → %s', (ip, cidrs, expected) => {
    expect(ipInAnyCidr(ip, cidrs)).toBe(expected);
  });
});
