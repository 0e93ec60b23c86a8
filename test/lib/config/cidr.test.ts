import { parseCidr } from '../../../lib/config/cidr';

describe('parseCidr', () => {
  test.each([
    ['10.40.0.0/16', { network: '10.40.0.0', prefix: 16, aligned: true }],
    ['10.40.1.0/16', { network: '10.40.0.0', prefix: 16, aligned: false }],
    ['192.168.255.255/32', { network: '192.168.255.255', prefix: 32, aligned: true }],
    ['0.0.0.0/0', { network: '0.0.0.0', prefix: 0, aligned: true }],
  ])('parses %s', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  test.each(['10.0.0/16', '10.0.0.0', '256.0.0.0/8', '10.0.0.0/33', '10.0.0.0/-1', ' 10.0.0.0/16', 'a.b.c.d/8'])('rejects %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});
