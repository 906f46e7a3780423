import { uplinkRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import { mapUplinkRecord, MapOutcome } from '../../domain/map-uplink-record';

export type DecodedOutcome = MapOutcome | { ok: false; skip: 'invalid'; reason: string };

/** A consumed record -> its telemetry item, or why it is skipped. Never throws. */
export function decodeUplink(record: ConsumedRecord): DecodedOutcome {
  const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
  if (!decoded.ok) return { ok: false, skip: 'invalid', reason: `contract: ${decoded.error}` };
  return mapUplinkRecord(decoded.value, {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  });
}
