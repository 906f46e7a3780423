import type { NormalisedMessage } from '@dock/protocol';
import { behaviourWith } from './behaviour';
import { boundReply, Harness, TEST_LICENCE } from './testing/harness';

const UNBOUND = (sn: string) => ({
  sn,
  is_device_bind_organization: false,
  organization_id: '',
  organization_name: '',
  device_callsign: '',
});

function methods(h: Harness, from = 0): (string | null)[] {
  return h.sent.slice(from).map((m: NormalisedMessage) => m.method);
}

function logs(h: Harness): string[] {
  return h.effects.flatMap((e) => (e.kind === 'log' ? [`${e.level}: ${e.message}`] : []));
}

describe('DockMachine: onboarding', () => {
  it('asks for config first and publishes nothing else until the licence is accepted', () => {
    const h = new Harness().connectOnly();
    expect(methods(h)).toEqual(['config']);
    expect(h.sent[0]?.data).toEqual({ config_type: 'json', config_scope: 'product' });
    h.take(h.machine.osd(h.now));
    expect(methods(h)).toEqual(['config']);
    expect(h.machine.snapshot().onboarding).toEqual({ state: 'config' });

    h.answerConfig();
    expect(methods(h)).toEqual(['config', 'update_topo', 'airport_bind_status']);
    expect(h.request('airport_bind_status').data).toEqual({
      devices: [{ sn: `${h.sn}-UAV` }, { sn: h.sn }],
    });
  });

  it.each([
    ['no licence', { ...TEST_LICENCE, app_license: '' }, 'no licence'],
    ['a result instead of the config', { result: 314000 }, 'unreadable'],
  ])('disconnects on a config reply with %s, and tries again later', (_name, reply, reason) => {
    const h = new Harness(behaviourWith({ licenceRetryMs: 5_000 })).connectOnly();
    if ('result' in reply) {
      // What a gateway without config support sends: not a config reply at all.
      const envelope = {
        tid: h.request('config').tid,
        bid: 'b',
        timestamp: h.now,
        method: 'config',
        data: reply,
      };
      h.raw(`thing/product/${h.sn}/requests_reply`, JSON.stringify(envelope));
    } else {
      h.answerConfig(reply);
    }
    expect(h.effects.some((e) => e.kind === 'disconnect')).toBe(true);
    expect(h.machine.snapshot()).toMatchObject({
      online: false,
      onboarding: { state: 'refused', reason: expect.stringContaining(reason) },
    });
    expect(logs(h).join('\n')).toContain('warn: licence check failed, disconnecting');
    expect(methods(h)).toEqual(['config']);
    expect(h.advance(5_000, 1_000).some((e) => e.kind === 'reconnect')).toBe(true);
  });

  it('disconnects when the licence differs from the expected one, naming the field only', () => {
    const h = new Harness(
      behaviourWith({ expectedLicence: { app_id: 'test-app', app_key: 'other-key' } }),
    ).connectOnly();
    h.answerConfig();
    const view = h.machine.snapshot().onboarding;
    expect(view).toEqual({
      state: 'refused',
      reason: 'licence differs from the expected one: app_key',
    });
    expect(logs(h).join('\n')).not.toContain('test-key');
  });

  it('disconnects when config is never answered', () => {
    const h = new Harness().connectOnly();
    h.advance(h.behaviour.replyTimeoutMs + 1_000);
    expect(h.machine.snapshot().onboarding.state).toBe('refused');
    expect(h.effects.some((e) => e.kind === 'disconnect')).toBe(true);
  });

  it('binds with the organization and code it was given: get, then bind', () => {
    const h = new Harness(
      behaviourWith({
        expectedLicence: { app_id: 'test-app', app_key: 'test-key', app_license: 'test-licence' },
        organization: { id: 'org-1', bindingCode: 'CODE-1' },
      }),
    ).connectOnly();
    h.answerConfig();
    h.answerRequest('airport_bind_status', {
      result: 0,
      output: { bind_status: [UNBOUND(h.sn), UNBOUND(`${h.sn}-UAV`)] },
    });
    expect(h.request('airport_organization_get').data).toEqual({
      device_binding_code: 'CODE-1',
      organization_id: 'org-1',
    });
    h.answerRequest('airport_organization_get', {
      result: 0,
      output: { organization_name: 'North' },
    });
    expect(h.request('airport_organization_bind').data).toEqual({
      bind_devices: [
        {
          device_binding_code: 'CODE-1',
          organization_id: 'org-1',
          device_callsign: h.sn,
          sn: h.sn,
          device_model_key: '3-3-0',
        },
        {
          device_binding_code: 'CODE-1',
          organization_id: 'org-1',
          device_callsign: `${h.sn}-UAV`,
          sn: `${h.sn}-UAV`,
          device_model_key: '0-100-1',
        },
      ],
    });
    h.answerRequest('airport_organization_bind', {
      result: 0,
      output: {
        err_infos: [
          { sn: h.sn, err_code: 0 },
          { sn: `${h.sn}-UAV`, err_code: 0 },
        ],
      },
    });
    expect(h.machine.snapshot().onboarding).toEqual({ state: 'bound', organizationName: 'North' });
    expect(h.machine.snapshot().replies.pending).toBe(1); // only the update_topo reply
  });

  it('stops onboarding on a per-device err_code, and flies all the same', () => {
    const h = new Harness(
      behaviourWith({ speed: 100, organization: { id: 'org-1', bindingCode: 'WRONG' } }),
    ).connectOnly();
    h.answerConfig();
    h.answerRequest('airport_bind_status', { result: 0, output: { bind_status: [UNBOUND(h.sn)] } });
    h.answerRequest('airport_organization_get', {
      result: 0,
      output: { organization_name: 'North' },
    });
    h.answerRequest('airport_organization_bind', {
      result: 0,
      output: { err_infos: [{ sn: h.sn, err_code: 210231 }] },
    });
    expect(h.machine.snapshot().onboarding).toMatchObject({
      state: 'unbound',
      reason: `airport_organization_bind refused: ${h.sn}=210231`,
    });
    expect(h.machine.snapshot().online).toBe(true);
    h.take(h.machine.osd(h.now));
    expect(methods(h).at(-1)).toBeNull(); // osd
  });

  it('goes on unbound when no registry answers (the gateway deadline result)', () => {
    const h = new Harness(
      behaviourWith({ organization: { id: 'org-1', bindingCode: 'CODE-1' } }),
    ).connectOnly();
    h.answerConfig();
    h.answerRequest('airport_bind_status', { result: 210231 });
    expect(h.machine.snapshot().onboarding).toMatchObject({ state: 'unbound' });
    expect(logs(h).join('\n')).toContain(
      'warn: flying unbound: airport_bind_status failed: result 210231',
    );
  });

  it('takes "already bound" as it comes, without a binding code', () => {
    const h = new Harness().connectOnly();
    h.answerConfig();
    h.answerRequest('airport_bind_status', boundReply(h.sn, `${h.sn}-UAV`));
    expect(h.machine.snapshot().onboarding).toEqual({ state: 'bound', organizationName: 'North' });
  });

  it('goes silent after the licence for a while: connected, publishing nothing, then back', () => {
    const h = new Harness(behaviourWith({ silence: { afterMs: 2_000, forMs: 3_000 } })).connect();
    const osd = () => h.take(h.machine.osd(h.now)).length;
    expect(osd()).toBe(1);
    h.advance(2_000);
    expect(osd()).toBe(0);
    expect(h.machine.snapshot()).toMatchObject({ online: true, counters: { silenced: 1 } });
    h.advance(3_000);
    expect(osd()).toBe(1);
  });
});
