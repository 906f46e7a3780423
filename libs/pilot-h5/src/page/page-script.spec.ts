import {
  findBridge,
  formatStep,
  PageBootstrap,
  parseBridgeResult,
  planBridgeCalls,
  readBootstrapResponse,
  runBridgeSequence,
  SequenceIo,
  thingConnectedFrom,
} from './page-script';

const bootstrap: PageBootstrap = {
  platformName: 'Dock fleet cloud',
  license: { appId: '151234', appKey: 'key-secret', license: 'licence-secret' },
  mqtt: { host: 'tcp://192.0.2.7:1883', username: 'pilot', password: 'mqtt-secret' },
  api: { host: 'https://cloud.example.com', token: 'api-secret' },
  organization: { id: '00000000-0000-4000-8000-000000000001', name: 'Site North' },
};

describe('parseBridgeResult', () => {
  it('accepts code 0 and keeps the data', () => {
    expect(parseBridgeResult('{"code":0,"message":"ok","data":true}')).toEqual({
      ok: true,
      data: true,
    });
    expect(parseBridgeResult('{"code":"0"}')).toEqual({ ok: true, data: undefined });
  });

  it('reports a non-zero code with its message', () => {
    expect(parseBridgeResult('{"code":1001,"message":"license invalid"}')).toEqual({
      ok: false,
      code: '1001',
      message: 'license invalid',
    });
    expect(parseBridgeResult('{"code":-1}')).toEqual({
      ok: false,
      code: '-1',
      message: '(no message)',
    });
  });

  it('says what came when the answer is not a JSON string with a numeric code', () => {
    expect(parseBridgeResult(undefined)).toEqual({
      ok: false,
      code: 'not-a-string',
      message: 'returned undefined, not a JSON string',
    });
    expect(parseBridgeResult({ code: 0 })).toMatchObject({ ok: false, code: 'not-a-string' });
    expect(parseBridgeResult(null)).toMatchObject({ message: 'returned null, not a JSON string' });
    expect(parseBridgeResult('fine')).toEqual({
      ok: false,
      code: 'unparsable',
      message: 'returned text that is not JSON: fine',
    });
    expect(parseBridgeResult('{"message":"x"}')).toEqual({
      ok: false,
      code: 'unparsable',
      message: 'returned JSON without a numeric code: {"message":"x"}',
    });
    expect(parseBridgeResult('[]')).toMatchObject({ ok: false, code: 'unparsable' });
  });
});

describe('thingConnectedFrom', () => {
  it('reads the forms Pilot uses for "connected"', () => {
    for (const yes of [true, 'true', 1, '1']) expect(thingConnectedFrom(yes)).toBe(true);
    for (const no of [false, 'false', 0, '0', undefined, null, 'connected'])
      expect(thingConnectedFrom(no)).toBe(false);
  });
});

describe('planBridgeCalls', () => {
  const plan = planBridgeCalls(bootstrap, 'cb');

  it('follows the spec order and passes the values as strings', () => {
    expect(plan.map((step) => (step.kind === 'call' ? step.label : step.kind))).toEqual([
      'platformVerifyLicense',
      'platformLoadComponent("thing")',
      'wait-thing',
      'platformLoadComponent("api")',
      'platformSetWorkspaceId',
      'platformSetInformation',
    ]);
    const calls = plan.flatMap((step) => (step.kind === 'call' ? [step] : []));
    expect(calls[0].args).toEqual(['151234', 'key-secret', 'licence-secret']);
    expect(calls[1].args[0]).toBe('thing');
    expect(JSON.parse(calls[1].args[1])).toEqual({
      host: 'tcp://192.0.2.7:1883',
      connectCallback: 'cb',
      username: 'pilot',
      password: 'mqtt-secret',
    });
    expect(calls[2].args[0]).toBe('api');
    expect(JSON.parse(calls[2].args[1])).toEqual({
      host: 'https://cloud.example.com',
      token: 'api-secret',
    });
    expect(calls[3].args).toEqual([bootstrap.organization.id]);
    expect(calls[4].args).toEqual(['Dock fleet cloud', 'Site North', 'Organization Site North']);
  });

  it('uses the workspace name when there is one', () => {
    const named = planBridgeCalls({ ...bootstrap, workspaceName: 'North fleet' }, 'cb');
    const information = named[named.length - 1];
    expect(information.kind === 'call' && information.args[1]).toBe('North fleet');
  });

  it('masks every secret unless asked to reveal them', () => {
    const masked = plan.map((step) => formatStep(step, false)).join('\n');
    for (const secret of ['key-secret', 'licence-secret', 'mqtt-secret', 'api-secret'])
      expect(masked).not.toContain(secret);
    expect(masked).toContain("djiBridge.platformVerifyLicense('151234', '********', '********')");
    const revealed = plan.map((step) => formatStep(step, true)).join('\n');
    for (const secret of ['key-secret', 'licence-secret', 'mqtt-secret', 'api-secret'])
      expect(revealed).toContain(secret);
  });

  it('shows each call as JavaScript that evaluates to the exact arguments', () => {
    const tricky = planBridgeCalls(
      { ...bootstrap, mqtt: { ...bootstrap.mqtt, password: `it's a \\ "quoted" one` } },
      'cb',
    );
    for (const step of tricky) {
      if (step.kind !== 'call') continue;
      const text = formatStep(step, true);
      const inner = text.slice(`djiBridge.${step.method}(`.length, -1);
      expect(new Function(`return [${inner}]`)()).toEqual(step.args);
    }
  });

  it('leaves an empty password empty (an anonymous broker)', () => {
    const anonymous = planBridgeCalls(
      { ...bootstrap, mqtt: { ...bootstrap.mqtt, username: '', password: '' } },
      'cb',
    );
    const thing = anonymous[1];
    expect(thing.kind === 'call' && JSON.parse(thing.maskedArgs[1]).password).toBe('');
  });
});

describe('runBridgeSequence', () => {
  function fakeIo(answers: Record<string, unknown>, connected = true) {
    const calls: string[] = [];
    const reports: string[] = [];
    const io: SequenceIo = {
      call: (method, args) => {
        calls.push(`${method}(${args[0] ?? ''})`);
        const answer = answers[`${method}:${args[0]}`] ?? answers[method];
        if (answer instanceof Error) throw answer;
        return answer ?? '{"code":0}';
      },
      waitForThing: async () => ({ connected, detail: connected ? 'connected' : 'timed out' }),
      report: (label, ok, text) => reports.push(`${ok ? 'ok' : 'FAIL'} ${label}: ${text}`),
    };
    return { io, calls, reports };
  }
  const plan = planBridgeCalls(bootstrap, 'cb');

  it('makes every call when each answers code 0', async () => {
    const { io, calls, reports } = fakeIo({});
    await expect(runBridgeSequence(plan, io)).resolves.toEqual({ ok: true });
    expect(calls).toEqual([
      'platformVerifyLicense(151234)',
      'platformLoadComponent(thing)',
      'platformLoadComponent(api)',
      `platformSetWorkspaceId(${bootstrap.organization.id})`,
      'platformSetInformation(Dock fleet cloud)',
    ]);
    expect(reports).toHaveLength(6);
    expect(reports.every((line) => line.startsWith('ok '))).toBe(true);
  });

  it('stops at the first failure and says which call, code and message', async () => {
    const { io, calls, reports } = fakeIo({
      platformVerifyLicense: '{"code":1001,"message":"license invalid"}',
    });
    await expect(runBridgeSequence(plan, io)).resolves.toEqual({
      ok: false,
      label: 'platformVerifyLicense',
      code: '1001',
      message: 'license invalid',
    });
    expect(calls).toEqual(['platformVerifyLicense(151234)']);
    expect(reports).toEqual(['FAIL platformVerifyLicense: failed: code 1001: license invalid']);
  });

  it('treats an unparsable answer and a throwing bridge as failures', async () => {
    const garbled = fakeIo({ 'platformLoadComponent:api': 'oops' });
    await expect(runBridgeSequence(plan, garbled.io)).resolves.toMatchObject({
      ok: false,
      label: 'platformLoadComponent("api")',
      code: 'unparsable',
    });
    expect(garbled.calls).toHaveLength(3);
    const throwing = fakeIo({ platformSetWorkspaceId: new Error('not a function') });
    await expect(runBridgeSequence(plan, throwing.io)).resolves.toEqual({
      ok: false,
      label: 'platformSetWorkspaceId',
      code: 'exception',
      message: 'threw: not a function',
    });
  });

  it('does not load the API module when Pilot never reports the broker connection', async () => {
    const { io, calls } = fakeIo({}, false);
    await expect(runBridgeSequence(plan, io)).resolves.toMatchObject({
      ok: false,
      code: 'no-connection',
      message: 'timed out',
    });
    expect(calls).toEqual(['platformVerifyLicense(151234)', 'platformLoadComponent(thing)']);
  });
});

describe('readBootstrapResponse', () => {
  it('passes a complete bootstrap through', () => {
    expect(readBootstrapResponse(200, bootstrap)).toEqual({ ok: true, bootstrap });
  });

  it('explains a refused token plainly', () => {
    const verdict = readBootstrapResponse(401, { message: 'the bearer token is not accepted' });
    expect(verdict).toEqual({
      ok: false,
      message:
        'The API token was not accepted (401 Unauthorized): check the token and sign in again. ' +
        'The cloud said: the bearer token is not accepted',
    });
  });

  it('shows other statuses with the server message, and an incomplete answer', () => {
    expect(readBootstrapResponse(503, { message: 'not configured' })).toEqual({
      ok: false,
      message: 'The cloud answered 503: not configured.',
    });
    expect(readBootstrapResponse(502, undefined)).toEqual({
      ok: false,
      message: 'The cloud answered 502 without details.',
    });
    expect(readBootstrapResponse(200, { platformName: 'x', license: {} })).toEqual({
      ok: false,
      message: "The cloud's answer lacks mqtt, api, organization: the page cannot continue.",
    });
  });
});

describe('findBridge', () => {
  it('finds window.djiBridge only when it is an object', () => {
    const bridge = { platformVerifyLicense: () => '{}' };
    expect(findBridge({ djiBridge: bridge })).toBe(bridge);
    expect(findBridge({})).toBeUndefined();
    expect(findBridge({ djiBridge: null })).toBeUndefined();
  });
});
