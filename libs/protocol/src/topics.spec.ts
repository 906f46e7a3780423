import {
  buildTopic,
  parseTopic,
  sharedSubscription,
  subscriptionFilter,
  UPLINK_SUBSCRIPTION_FILTERS,
  validateGatewaySn,
} from './topics';

describe('topics', () => {
  it.each([
    ['thing/product/DOCK1/services', 'services', 'down'],
    ['thing/product/DOCK1/services_reply', 'services_reply', 'up'],
    ['thing/product/DOCK1/events', 'events', 'up'],
    ['thing/product/DOCK1/events_reply', 'events_reply', 'down'],
    ['thing/product/DOCK1/requests', 'requests', 'up'],
    ['thing/product/DOCK1/requests_reply', 'requests_reply', 'down'],
    ['thing/product/DOCK1/osd', 'osd', 'up'],
    ['thing/product/DOCK1/state', 'state', 'up'],
    ['thing/product/DOCK1/state_reply', 'state_reply', 'down'],
    ['sys/product/DOCK1/status', 'status', 'up'],
    ['sys/product/DOCK1/status_reply', 'status_reply', 'down'],
  ] as const)('parses %s and builds it back', (topic, family, direction) => {
    expect(parseTopic(topic)).toEqual({
      ok: true,
      value: { gatewaySn: 'DOCK1', family, direction },
    });
    expect(buildTopic('DOCK1', family)).toEqual({ ok: true, value: topic });
  });

  it.each([
    'sys/product/DOCK1/events',
    'thing/product/DOCK1/status',
    'thing/products/DOCK1/events',
    'thing/product/DOCK1/events/extra',
    'thing/product//events',
    '',
    `thing/product/${'A'.repeat(300)}/events`,
  ])('refuses topic %j', (topic) => {
    const result = parseTopic(topic);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.path).toMatch(/^topic/);
  });

  it.each([
    ['', 'non-empty gateway SN'],
    ['A'.repeat(65), 'gateway SN of at most 64 characters'],
    ['DOCK+', 'no MQTT wildcards (+, #)'],
    ['DOCK#', 'no MQTT wildcards (+, #)'],
    ['DO/CK', 'no topic separator (/)'],
    ['DO CK', 'no whitespace or control characters'],
    ['DO\u0000CK', 'no whitespace or control characters'],
    ['DOCK\n', 'no whitespace or control characters'],
    ['DO\u200bCK', 'no whitespace or control characters'],
    ['$SYS', 'no leading $ (reserved by brokers)'],
    ['DOCK*', 'characters in [A-Za-z0-9_.:-]'],
    ['DÖCK', 'characters in [A-Za-z0-9_.:-]'],
    ['..', 'gateway SN with a letter or digit'],
    ['.', 'gateway SN with a letter or digit'],
    ['-', 'gateway SN with a letter or digit'],
  ])('refuses gateway SN %j (%s)', (sn, rule) => {
    expect(validateGatewaySn(sn)).toMatchObject({ ok: false, error: { path: 'gatewaySn', rule } });
    expect(buildTopic(sn, 'events').ok).toBe(false);
  });

  it('accepts real-looking SNs', () => {
    for (const sn of ['SN_DOCK_FIXTURE', '7CTDM3D00BVY9R', 'dock-01.a:b', 'A'.repeat(64)]) {
      expect(validateGatewaySn(sn)).toEqual({ ok: true, value: sn });
    }
  });

  it('exports the uplink subscription filters and shares them', () => {
    expect(UPLINK_SUBSCRIPTION_FILTERS).toEqual([
      'thing/product/+/services_reply',
      'thing/product/+/events',
      'thing/product/+/requests',
      'thing/product/+/osd',
      'thing/product/+/state',
      'sys/product/+/status',
    ]);
    expect(subscriptionFilter('events')).toBe('thing/product/+/events');
    expect(sharedSubscription('gateway', 'thing/product/+/events')).toEqual({
      ok: true,
      value: '$share/gateway/thing/product/+/events',
    });
    for (const group of ['', 'a/b', 'a+', '#', 'x'.repeat(65)]) {
      expect(sharedSubscription(group, 'thing/product/+/events')).toMatchObject({
        ok: false,
        error: { path: 'group' },
      });
    }
    expect(sharedSubscription('g', '$share/g/x')).toMatchObject({ ok: false });
  });
});
