import { z } from 'zod';

const ms = z.number().int().nonnegative();

/** A flight's media against what it should have (see apps/media domain/media/flight-media.ts). */
export const flightMediaStatuses = ['complete', 'pending', 'incomplete'] as const;

/**
 * A media change (value of media.records, written by the media service, keyed by the dock SN):
 * a file recorded (`kind: "file"`) or a flight's media status changed (`kind: "flight"`).
 */
export const mediaRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    schemaVersion: z.literal(1),
    kind: z.literal('file'),
    id: z.string().uuid(),
    organizationId: z.string().min(1),
    gatewaySn: z.string().min(1),
    flightId: z.string().nullable(),
    objectKey: z.string().min(1),
    name: z.string().min(1),
    type: z.enum(['photo', 'video', 'other']),
    isOriginal: z.boolean().nullable(),
    capturedAt: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    sizeBytes: z.number().int().nonnegative().nullable(),
    fingerprint: z.string().nullable(),
    /** The flight is not one the system knows: kept and flagged. */
    unknownFlight: z.boolean(),
    at: ms,
  }),
  z.object({
    schemaVersion: z.literal(1),
    kind: z.literal('flight'),
    organizationId: z.string().min(1),
    gatewaySn: z.string().min(1),
    flightId: z.string().min(1),
    status: z.enum(flightMediaStatuses),
    expected: z.number().int().nonnegative().nullable(),
    received: z.number().int().nonnegative(),
    at: ms,
  }),
]);
export type MediaRecord = z.infer<typeof mediaRecordSchema>;
