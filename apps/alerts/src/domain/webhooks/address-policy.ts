import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard: which resolved addresses a webhook may connect to. Refused unless the operator
 * allows private targets: loopback, link-local, private and unique-local, carrier-grade NAT,
 * multicast, unspecified, reserved and documentation ranges, IPv4 and IPv6, and IPv4-mapped /
 * NAT64 IPv6 forms of refused IPv4 addresses. (node:net is a standard library, not I/O.)
 */
const V4_REFUSED: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const V6_REFUSED: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fe80::', 10, 'link-local'],
  ['fc00::', 7, 'unique-local'],
  ['fec0::', 10, 'unique-local'],
  ['ff00::', 8, 'multicast'],
  ['2001:db8::', 32, 'reserved'],
  ['100::', 64, 'reserved'],
];

const lists = new Map<string, BlockList>();
for (const [network, prefix, kind] of V4_REFUSED) listFor(kind).addSubnet(network, prefix, 'ipv4');
for (const [network, prefix, kind] of V6_REFUSED) listFor(kind).addSubnet(network, prefix, 'ipv6');

function listFor(kind: string): BlockList {
  let list = lists.get(kind);
  if (!list) {
    list = new BlockList();
    lists.set(kind, list);
  }
  return list;
}

/** Why an address is refused ('loopback', 'private', …), or null when it is public. */
export function refusedAddressKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not-an-ip';
  if (family === 6) {
    const embedded = embeddedIpv4(address);
    if (embedded) return refusedAddressKind(embedded);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of lists) {
    if (list.check(address, type)) return kind;
  }
  return null;
}

/** The IPv4 address inside ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible) or 64:ff9b::/96. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
