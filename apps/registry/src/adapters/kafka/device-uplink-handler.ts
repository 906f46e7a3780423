import type { Logger } from 'pino';
import { UplinkRecord, uplinkRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { RegistryStore } from '../../application/ports';
import type { ReportedSubDevice } from '../../domain/presence';
import { productKeyOf } from '../../domain/product-models';
import type { RegistryMetrics } from '../../registry-metrics';

/**
 * Keeps the live registry from dock.uplink.status (update_topo, applied one by one, in order)
 * and dock.uplink.osd / dock.uplink.state (folded into one write per consumed batch: osd comes
 * every second or two per device, so it only moves last-seen times and firmware versions).
 */
export class DeviceUplinkHandler {
  constructor(
    private readonly store: RegistryStore,
    private readonly metrics: RegistryMetrics,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const gateways = new Map<string, number>();
    const devices = new Map<string, number>();
    const firmware = new Map<string, string>();
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
      if (!decoded.ok) {
        this.skip(record, 'malformed', { error: decoded.error });
        continue;
      }
      const uplink = decoded.value;
      if (uplink.family === 'status') {
        if (uplink.method === 'update_topo') await this.topology(record, uplink);
        else this.skip(record, 'not_ours', { method: uplink.method });
        continue;
      }
      if (uplink.family !== 'osd' && uplink.family !== 'state') {
        this.skip(record, 'not_ours', { family: uplink.family });
        continue;
      }
      // The topic SN owns the properties; `gateway` names its dock (the same SN for a dock).
      const gatewaySn =
        uplink.gateway && uplink.gateway.length > 0 ? uplink.gateway : uplink.gatewaySn;
      gateways.set(gatewaySn, Math.max(gateways.get(gatewaySn) ?? 0, uplink.receivedAt));
      devices.set(
        uplink.gatewaySn,
        Math.max(devices.get(uplink.gatewaySn) ?? 0, uplink.receivedAt),
      );
      const version = firmwareOf(uplink.data);
      if (version) firmware.set(uplink.gatewaySn, version);
    }
    if (gateways.size > 0 || firmware.size > 0) {
      await this.store.recordHeard({ gateways, devices, firmware });
    }
  }

  private async topology(record: ConsumedRecord, uplink: UplinkRecord): Promise<void> {
    const data = uplink.data as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null) {
      this.skip(record, 'malformed', { error: 'update_topo without data' });
      return;
    }
    const subDevices: ReportedSubDevice[] = [];
    // The gateway validated `sub_devices` (an array of objects with an sn); missing = none.
    for (const entry of Array.isArray(data.sub_devices) ? data.sub_devices : []) {
      const sub = entry as Record<string, unknown>;
      if (typeof sub.sn !== 'string' || sub.sn.trim() === '') continue;
      subDevices.push({ sn: sub.sn.trim(), modelKey: productKeyOf(sub) ?? null });
    }
    const { refused } = await this.store.applyTopology({
      gatewaySn: uplink.gatewaySn,
      gatewayModelKey: productKeyOf(data) ?? null,
      subDevices,
      at: uplink.receivedAt,
    });
    for (const device of refused) {
      this.metrics.refusedSubDevices.inc();
      this.logger.warn(
        {
          dockSn: uplink.gatewaySn,
          sn: device.sn,
          boundTo: device.organizationId,
          tid: uplink.tid,
        },
        'update_topo lists a device bound to another organization: refused, not re-homed',
      );
    }
  }

  private skip(record: ConsumedRecord, reason: string, detail: Record<string, unknown>): void {
    this.metrics.skippedRecords.inc({ topic: record.topic, reason });
    this.logger.debug(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        reason,
        ...detail,
      },
      'uplink record skipped',
    );
  }
}

function firmwareOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const version = (data as { firmware_version?: unknown }).firmware_version;
  return typeof version === 'string' && version.length > 0 && version.length <= 64
    ? version
    : undefined;
}
