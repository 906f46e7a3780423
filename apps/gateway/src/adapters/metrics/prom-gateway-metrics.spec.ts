import { Registry } from 'prom-client';
import { PromGatewayMetrics } from './prom-gateway-metrics';

describe('per-message gateway counters (added up, handed over on scrape)', () => {
  async function values(registry: Registry, name: string): Promise<Record<string, number>> {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const out: Record<string, number> = {};
    for (const v of metric?.values ?? []) out[Object.values(v.labels).join(',')] = v.value;
    return out;
  }

  it('a scrape sees every count so far, and later counts on the next scrape', async () => {
    const registry = new Registry();
    const metrics = new PromGatewayMetrics(registry, {
      unacknowledged: () => 0,
      mqttConnected: () => 0,
    });
    for (let i = 0; i < 5; i++) metrics.received('osd');
    metrics.received('events');
    metrics.written('dock.uplink.osd');
    metrics.replySent('events_reply');
    expect(await values(registry, 'gateway_uplink_received_total')).toEqual({ osd: 5, events: 1 });
    expect(await values(registry, 'gateway_kafka_records_written_total')).toEqual({
      'dock.uplink.osd': 1,
    });
    expect(await values(registry, 'gateway_replies_sent_total')).toEqual({ events_reply: 1 });
    metrics.received('osd');
    expect(await values(registry, 'gateway_uplink_received_total')).toEqual({ osd: 6, events: 1 });
    expect(await registry.metrics()).toContain('gateway_uplink_received_total{family="osd"} 6');
  });
});
