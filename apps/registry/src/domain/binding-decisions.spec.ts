import { BindingCode, hashBindingCode } from './binding-code';
import { checkCode, decideBind, decideUnbind } from './binding-decisions';
import { BINDING_RESULT } from './binding-results';
import { Device, newDevice } from './device';
import type { Organization } from './organization';

const ORG: Organization = { id: 'org-a', name: 'North', createdAt: 1, updatedAt: 1 };
const CODE: BindingCode = {
  id: 'code-1',
  organizationId: 'org-a',
  codeHash: hashBindingCode('K7MQ2WXR9D'),
  hint: '…R9D',
  createdAt: 1,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
};
const NOW = 10_000;
const request = { sn: 'DOCK1', organizationId: 'org-a', callsign: 'Dock North', modelKey: '3-3-0' };

function bind(over: Partial<Parameters<typeof decideBind>[0]> = {}) {
  return decideBind({
    request,
    gatewaySn: 'DOCK1',
    tid: 'tid-1',
    organization: ORG,
    code: CODE,
    existing: undefined,
    now: NOW,
    ...over,
  });
}

describe('binding decisions', () => {
  it('checks the organization first, then that the code is one of its active codes', () => {
    expect(checkCode(ORG, CODE, NOW)).toBe(BINDING_RESULT.ok);
    expect(checkCode(undefined, CODE, NOW)).toBe(BINDING_RESULT.unknownOrganization);
    expect(checkCode(ORG, undefined, NOW)).toBe(BINDING_RESULT.wrongCode);
    expect(checkCode(ORG, { ...CODE, organizationId: 'org-b' }, NOW)).toBe(
      BINDING_RESULT.wrongCode,
    );
    expect(checkCode(ORG, { ...CODE, expiresAt: NOW - 1 }, NOW)).toBe(BINDING_RESULT.expiredCode);
    expect(checkCode(ORG, { ...CODE, revokedAt: NOW - 1 }, NOW)).toBe(BINDING_RESULT.revokedCode);
  });

  it('gives every refusal its own non-zero code', () => {
    const codes = Object.values(BINDING_RESULT).filter((c) => c !== 0);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('binds a new dock: organization, code, callsign, model key and time', () => {
    const decision = bind();
    expect(decision.errCode).toBe(BINDING_RESULT.ok);
    expect(decision.codeUsed).toBe(true);
    expect(decision.write).toMatchObject({
      sn: 'DOCK1',
      role: 'gateway',
      gatewaySn: 'DOCK1',
      organizationId: 'org-a',
      callsign: 'Dock North',
      modelKey: '3-3-0',
      boundAt: NOW,
      boundCodeId: 'code-1',
      boundTid: 'tid-1',
    });
    expect(decision.change).toMatchObject({
      kind: 'binding',
      bound: true,
      organizationId: 'org-a',
    });
  });

  it('binds the aircraft of the request to the dock that asked', () => {
    const decision = bind({ request: { ...request, sn: 'DRONE1', modelKey: '0-91-0' } });
    expect(decision.write).toMatchObject({ sn: 'DRONE1', role: 'sub_device', gatewaySn: 'DOCK1' });
  });

  it('refuses a device bound to another organization and writes nothing', () => {
    const existing: Device = { ...newDevice('DOCK1', 'DOCK1', 'gateway'), organizationId: 'org-b' };
    const decision = bind({ existing });
    expect(decision).toEqual({ errCode: BINDING_RESULT.boundToOtherOrganization, codeUsed: false });
  });

  it('refuses wrong, expired and revoked codes', () => {
    expect(bind({ code: undefined }).errCode).toBe(BINDING_RESULT.wrongCode);
    expect(bind({ code: { ...CODE, expiresAt: NOW } }).errCode).toBe(BINDING_RESULT.expiredCode);
    expect(bind({ code: { ...CODE, revokedAt: 1 } }).errCode).toBe(BINDING_RESULT.revokedCode);
    expect(bind({ organization: undefined }).errCode).toBe(BINDING_RESULT.unknownOrganization);
    expect(bind({ code: undefined }).write).toBeUndefined();
  });

  it('answers a redelivered request (same tid) as before without writing, even after expiry', () => {
    const first = bind().write as Device;
    const again = bind({ existing: first, code: { ...CODE, expiresAt: NOW } });
    expect(again).toEqual({ errCode: BINDING_RESULT.ok, codeUsed: false });
  });

  it('rebinds within the same organization with a new request (new callsign)', () => {
    const first = bind().write as Device;
    const again = bind({
      existing: first,
      tid: 'tid-2',
      request: { ...request, callsign: 'Dock N2' },
    });
    expect(again.write).toMatchObject({ callsign: 'Dock N2', boundTid: 'tid-2' });
  });

  it('unbinds a bound device and announces which organization it left', () => {
    const bound = bind().write as Device;
    const unbound = decideUnbind(bound, NOW + 1);
    expect(unbound?.write).toMatchObject({ organizationId: null, callsign: null, boundAt: null });
    expect(unbound?.change).toMatchObject({
      kind: 'binding',
      bound: false,
      organizationId: 'org-a',
    });
    expect(decideUnbind(unbound?.write as Device, NOW + 2)).toBeUndefined();
  });
});
