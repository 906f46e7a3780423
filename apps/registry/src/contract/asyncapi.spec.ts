import { deviceEventRecordSchema, KAFKA_TOPICS } from '@dock/contracts';
import { encodeRecord } from '@dock/kafka';
import { AsyncApiContract } from '../../../../test/support/asyncapi-contract';
import { hashBindingCode } from '../domain/binding-code';
import { decideBind, decideUnbind } from '../domain/binding-decisions';
import type { Device, DeviceChange } from '../domain/device';
import { deviceEventHeaders, deviceEventRecord } from '../domain/device-event';
import { planHeard, planSilence, planTopology } from '../domain/presence';

/**
 * The registry.device-events records the registry's outbox writes (built by the same code)
 * must conform to docs/asyncapi.yaml and to the contracts library's schema. The integration
 * test checks the captured Kafka records too.
 */
describe('docs/asyncapi.yaml: registry.device-events', () => {
  const contract = new AsyncApiContract();

  function check(change: DeviceChange): string[] {
    const record = deviceEventRecord(change);
    expect(deviceEventRecordSchema.safeParse(record).success).toBe(true);
    const message = encodeRecord(record.gatewaySn, record, {});
    const headers = Object.fromEntries(
      Object.entries({ ...message.headers, ...deviceEventHeaders(record) }).map(([k, v]) => [
        k,
        String(v),
      ]),
    );
    return contract.check(KAFKA_TOPICS.deviceEvents, {
      key: record.gatewaySn,
      headers,
      value: JSON.parse(String(message.value)),
    });
  }

  it('is described', () => {
    expect(contract.addresses).toContain(KAFKA_TOPICS.deviceEvents);
  });

  it('matches presence, topology and binding records', () => {
    const topo = planTopology(
      {
        gatewaySn: 'DOCK1',
        gatewayModelKey: '3-3-0',
        subDevices: [{ sn: 'DRONE1', modelKey: '0-100-0' }],
        at: 1_000,
      },
      new Map(),
    );
    const [dock, drone] = topo.writes;
    const silence = planSilence(dock, [drone], 100_000, 60_000);
    const heard = planHeard(undefined, 'DOCK2', 5_000);
    const bind = decideBind({
      request: { sn: 'DOCK1', organizationId: 'org-a', callsign: 'North', modelKey: '3-3-0' },
      gatewaySn: 'DOCK1',
      tid: 't',
      organization: { id: 'org-a', name: 'A', createdAt: 1, updatedAt: 1 },
      code: {
        id: 'c',
        organizationId: 'org-a',
        codeHash: hashBindingCode('X'),
        hint: '…X',
        createdAt: 1,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      },
      existing: dock,
      now: 2_000,
    });
    const unbind = decideUnbind(bind.write as Device, 3_000);
    const changes = [
      ...topo.changes,
      ...(silence?.changes ?? []),
      heard.change as DeviceChange,
      bind.change as DeviceChange,
      unbind?.change as DeviceChange,
    ];
    expect(new Set(changes.map((c) => c.kind))).toEqual(
      new Set(['presence', 'topology', 'binding']),
    );
    for (const change of changes) expect(check(change)).toEqual([]);
  });
});
