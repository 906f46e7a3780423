import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { MqttAccessObserver } from './application/mqtt-access-service';

/** The registry's own Prometheus series, registered on the platform's registry. */
export interface RegistryMetrics {
  bindingRequests: Counter<'method' | 'result'>;
  bindErrors: Counter<'err_code'>;
  refusedSubDevices: Counter;
  presenceSweeps: Counter;
  skippedRecords: Counter<'topic' | 'reason'>;
  mqttRefusals: Counter<'action' | 'reason'>;
}

export function createRegistryMetrics(registry: Registry): RegistryMetrics {
  return {
    bindingRequests: new Counter({
      name: 'registry_binding_requests_total',
      help: 'Binding requests answered, by method and result code',
      labelNames: ['method', 'result'],
      registers: [registry],
    }),
    bindErrors: new Counter({
      name: 'registry_bind_device_errors_total',
      help: 'Devices refused by airport_organization_bind, by err_code',
      labelNames: ['err_code'],
      registers: [registry],
    }),
    refusedSubDevices: new Counter({
      name: 'registry_refused_sub_devices_total',
      help: 'Sub-devices in an update_topo that belong to another organization (never re-homed)',
      registers: [registry],
    }),
    presenceSweeps: new Counter({
      name: 'registry_gateways_gone_offline_total',
      help: 'Gateways the silence sweeper marked offline',
      registers: [registry],
    }),
    skippedRecords: new Counter({
      name: 'registry_kafka_skipped_records_total',
      help: 'Kafka records not handled: malformed, stale, or not for this service',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    }),
    mqttRefusals: new Counter({
      name: 'mqtt_access_refusals_total',
      help: 'MQTT connections, publishes and subscriptions the broker refused, by action and reason',
      labelNames: ['action', 'reason'],
      registers: [registry],
    }),
  };
}

/** MQTT refusals: counted, and logged with the client id and username (never the password). */
export function mqttRefusalObserver(metrics: RegistryMetrics, logger: Logger): MqttAccessObserver {
  const log = logger.child({ component: 'mqtt-access' });
  return {
    refused(action, kind, context) {
      metrics.mqttRefusals.inc({ action, reason: kind });
      const { reason, ...where } = context;
      // An unbound dock's telemetry is expected until it binds: not worth a warning each.
      if (kind === 'not_bound')
        log.debug({ action, kind, ...where }, `MQTT ${action} refused: ${reason}`);
      else log.warn({ action, kind, ...where }, `MQTT ${action} refused: ${reason}`);
    },
  };
}
