import { z } from 'zod';

const ms = z.number().int().nonnegative();

/**
 * An HMS (health management) alert raised or cleared on one device (value of alerts.hms, key:
 * the dock's gateway SN). Written by the alerts service through its outbox; `id` is unique per
 * event (consumers deduplicate on it), `alertId` names the alert across its raised/cleared pair.
 */
export const hmsAlertRecordSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  type: z.enum(['raised', 'cleared']),
  alertId: z.string().min(1),
  organizationId: z.string().min(1),
  gatewaySn: z.string().min(1).max(64),
  /** The flight the dock was flying when the alert was raised, null on the ground. */
  flightId: z.string().nullable(),
  /** "{domain}-{type}-{sub_type}" of the device that raised it ("0-…" aircraft, "3-…" dock). */
  deviceType: z.string(),
  /** The alarm code as the dock sends it, hex text (e.g. "0x16100083"). */
  code: z.string(),
  /** 0 notification, 1 reminder, 2 warning. */
  level: z.number().int(),
  /** 0 flight mission, 1 device management, 2 media, 3 hms. */
  module: z.number().int(),
  inTheSky: z.boolean(),
  /** A transient alarm that clears by itself (e.g. strong wind). */
  imminent: z.boolean(),
  componentIndex: z.number().int().nullable(),
  sensorIndex: z.number().int().nullable(),
  args: z.record(z.unknown()),
  /** The text from the operator's HMS message table, null without one (or for an unknown code). */
  message: z.string().nullable(),
  firstSeenAt: ms,
  lastSeenAt: ms,
  clearedAt: ms.nullable(),
  /** How many hms messages listed it. */
  count: z.number().int().positive(),
  /** When this event happened (the dock's timestamp of the message that raised or cleared it). */
  at: ms,
});
export type HmsAlertRecord = z.infer<typeof hmsAlertRecordSchema>;
