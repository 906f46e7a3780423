import type { Logger } from 'pino';
import { deviceEventRecordSchema, dockBindingOf } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { DockOrganizations } from '../../application/ports';

/**
 * registry.device-events: the docks' bindings, so the service knows which organization may
 * command which dock. Presence and topology changes, and aircraft bindings, are not its
 * business; a malformed record is logged and skipped (the registry validated what it wrote).
 */
export class DeviceEventHandler {
  constructor(
    private readonly docks: DockOrganizations,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, deviceEventRecordSchema);
      if (!decoded.ok) {
        this.logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            error: decoded.error,
          },
          'device event skipped',
        );
        continue;
      }
      const binding = dockBindingOf(decoded.value);
      if (!binding) continue;
      await this.docks.recordBinding(binding);
      this.logger.info(
        { dockSn: binding.gatewaySn, organizationId: binding.organizationId },
        'dock binding learned',
      );
    }
  }
}
