import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID, MediaRecord } from '@dock/contracts';
import type {
  FlightMedia,
  MediaStore,
  Prioritization,
  ProgressObservation,
  StoredMediaFile,
  TaskObservation,
} from '../../application/ports';
import {
  flightMediaStatus,
  FlightMediaStatus,
  mergeExpected,
} from '../../domain/media/flight-media';
import { mediaFileFacts, type MediaFile, type MediaType } from '../../domain/media/media-file';

type Row = Record<string, unknown>;

const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function flightOf(row: Row): FlightMedia {
  return {
    flightId: row.flight_id as string,
    gatewaySn: row.gateway_sn as string,
    organizationId: row.organization_id as string,
    known: row.known as boolean,
    expected: num(row.expected),
    received: Number(row.received),
    status: row.status as FlightMediaStatus,
    endedAt: num(row.ended_at),
    lastReceivedAt: num(row.last_received_at),
    uploadFirstAt: num(row.upload_first_at),
  };
}

function fileOf(row: Row): StoredMediaFile {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    gatewaySn: row.gateway_sn as string,
    flightId: (row.flight_id as string | null) ?? null,
    objectKey: row.object_key as string,
    name: row.name as string,
    path: (row.path as string | null) ?? null,
    type: row.type as MediaType,
    isOriginal: (row.is_original as boolean | null) ?? null,
    capturedAt: row.captured_at ? new Date(row.captured_at as string) : null,
    latitude: num(row.latitude),
    longitude: num(row.longitude),
    gimbalYawDegree: num(row.gimbal_yaw_degree),
    absoluteAltitude: num(row.absolute_altitude),
    relativeAltitude: num(row.relative_altitude),
    droneModelKey: (row.drone_model_key as string | null) ?? null,
    payloadModelKey: (row.payload_model_key as string | null) ?? null,
    sizeBytes: num(row.size_bytes),
    fingerprint: (row.fingerprint as string | null) ?? null,
    unknownFlight: row.unknown_flight as boolean,
    reportedAt: Number(row.reported_at),
  };
}

/**
 * The media service's PostgreSQL store. Each change and its media.records run in one
 * transaction (the outbox), the flight row locked while its counts move, so replicas (and a
 * redelivered batch) never count a file twice or lose a status change.
 */
export class PgMediaStore implements MediaStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recordsTopic: string,
  ) {}

  async organizationOfDock(gatewaySn: string): Promise<string> {
    const rows = (await this.dataSource.query(
      'SELECT organization_id FROM media_docks WHERE gateway_sn = $1',
      [gatewaySn],
    )) as Row[];
    return (rows[0]?.organization_id as string | undefined) ?? DEFAULT_ORGANIZATION_ID;
  }

  async observeTask(task: TaskObservation, incompleteAfterMs: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO media_docks (gateway_sn, organization_id, changed_at) VALUES ($1, $2, $3)
         ON CONFLICT (gateway_sn) DO UPDATE SET organization_id = EXCLUDED.organization_id,
           changed_at = EXCLUDED.changed_at WHERE media_docks.changed_at <= EXCLUDED.changed_at`,
        [task.gatewaySn, task.organizationId, task.at],
      );
      await manager.query(
        `INSERT INTO media_flights (flight_id, gateway_sn, organization_id, known, ended_at, status_changed_at)
         VALUES ($1, $2, $3, true, $4, $5)
         ON CONFLICT (flight_id) DO UPDATE SET known = true, organization_id = EXCLUDED.organization_id,
           ended_at = COALESCE(media_flights.ended_at, EXCLUDED.ended_at)`,
        [task.flightId, task.gatewaySn, task.organizationId, task.final ? task.at : null, task.at],
      );
      // Files reported before the task event was read were flagged unknown: they are not.
      await manager.query(
        `UPDATE media_files SET unknown_flight = false, organization_id = $2
         WHERE flight_id = $1 AND unknown_flight`,
        [task.flightId, task.organizationId],
      );
      await this.restatus(manager, task.flightId, task.at, incompleteAfterMs);
    });
  }

  async observeProgress(progress: ProgressObservation, incompleteAfterMs: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const organizationId = await this.organizationIn(manager, progress.gatewaySn);
      await manager.query(
        `INSERT INTO media_flights (flight_id, gateway_sn, organization_id, known, status_changed_at)
         VALUES ($1, $2, $3, true, $4) ON CONFLICT (flight_id) DO UPDATE SET known = true`,
        [progress.flightId, progress.gatewaySn, organizationId, progress.at],
      );
      const [row] = (await manager.query(
        'SELECT expected FROM media_flights WHERE flight_id = $1 FOR UPDATE',
        [progress.flightId],
      )) as Row[];
      await manager.query(
        `UPDATE media_flights SET expected = $2,
           ended_at = CASE WHEN $3::boolean THEN COALESCE(ended_at, $4) ELSE ended_at END
         WHERE flight_id = $1`,
        [
          progress.flightId,
          mergeExpected(num(row?.expected), progress.mediaCount),
          progress.final,
          progress.at,
        ],
      );
      await this.restatus(manager, progress.flightId, progress.at, incompleteAfterMs);
    });
  }

  async isKnownFlight(flightId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'SELECT known FROM media_flights WHERE flight_id = $1',
      [flightId],
    )) as Row[];
    return rows[0]?.known === true;
  }

  async recordFile(
    file: MediaFile,
    expected: number | undefined,
    incompleteAfterMs: number,
  ): Promise<{ recorded: boolean; id: string }> {
    return this.dataSource.transaction(async (manager) => {
      if (file.flightId !== null) {
        // The flight row first (locked), so concurrent callbacks of one flight count in turn.
        await manager.query(
          `INSERT INTO media_flights (flight_id, gateway_sn, organization_id, status_changed_at)
           VALUES ($1, $2, $3, $4) ON CONFLICT (flight_id) DO NOTHING`,
          [file.flightId, file.gatewaySn, file.organizationId, file.reportedAt],
        );
        await manager.query('SELECT 1 FROM media_flights WHERE flight_id = $1 FOR UPDATE', [
          file.flightId,
        ]);
      }
      const id = randomUUID();
      const inserted = (await manager.query(
        `INSERT INTO media_files (id, organization_id, gateway_sn, flight_id, object_key, name, path,
           type, is_original, captured_at, latitude, longitude, gimbal_yaw_degree, absolute_altitude,
           relative_altitude, drone_model_key, payload_model_key, size_bytes, fingerprint,
           unknown_flight, reported_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
         ON CONFLICT (gateway_sn, object_key) DO NOTHING RETURNING id`,
        [
          id,
          file.organizationId,
          file.gatewaySn,
          file.flightId,
          file.objectKey,
          file.name,
          file.path,
          file.type,
          file.isOriginal,
          file.capturedAt,
          file.latitude,
          file.longitude,
          file.gimbalYawDegree,
          file.absoluteAltitude,
          file.relativeAltitude,
          file.droneModelKey,
          file.payloadModelKey,
          file.sizeBytes,
          file.fingerprint,
          file.unknownFlight,
          file.reportedAt,
        ],
      )) as Row[];
      if (inserted.length === 0) {
        const [existing] = (await manager.query(
          'SELECT id FROM media_files WHERE gateway_sn = $1 AND object_key = $2',
          [file.gatewaySn, file.objectKey],
        )) as Row[];
        return { recorded: false, id: existing.id as string };
      }
      const record: MediaRecord = {
        schemaVersion: 1,
        kind: 'file',
        id,
        organizationId: file.organizationId,
        ...mediaFileFacts(file),
        sizeBytes: file.sizeBytes,
        fingerprint: file.fingerprint,
        unknownFlight: file.unknownFlight,
        at: file.reportedAt,
      };
      await this.outbox(manager, file.gatewaySn, record, file.reportedAt);
      if (file.flightId !== null) {
        const [row] = (await manager.query(
          'SELECT expected FROM media_flights WHERE flight_id = $1',
          [file.flightId],
        )) as Row[];
        await manager.query(
          `UPDATE media_flights SET received = received + 1, last_received_at = $2, expected = $3
           WHERE flight_id = $1`,
          [file.flightId, file.reportedAt, mergeExpected(num(row?.expected), expected)],
        );
        await this.restatus(manager, file.flightId, file.reportedAt, incompleteAfterMs);
      }
      return { recorded: true, id };
    });
  }

  async openFlightsOfDock(gatewaySn: string, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT flight_id FROM media_flights WHERE gateway_sn = $1 AND status <> 'complete'
       ORDER BY status_changed_at DESC LIMIT $2`,
      [gatewaySn, limit],
    )) as Row[];
    return rows.map((row) => row.flight_id as string);
  }

  async markUploadFirst(gatewaySn: string, flightId: string, at: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE media_flights SET upload_first_at = $3 WHERE flight_id = $1 AND gateway_sn = $2`,
      [flightId, gatewaySn, at],
    );
  }

  async sweep(now: number, incompleteAfterMs: number, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Replicas sweep side by side: each takes rows the others have not locked.
      const rows = (await manager.query(
        `SELECT flight_id FROM media_flights
         WHERE status = 'pending' AND ended_at IS NOT NULL
           AND GREATEST(ended_at, COALESCE(last_received_at, 0)) <= $1
         ORDER BY ended_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now - incompleteAfterMs, limit],
      )) as Row[];
      for (const row of rows) {
        await this.restatus(manager, row.flight_id as string, now, incompleteAfterMs, now);
      }
      return rows.length;
    });
  }

  async flight(organizationId: string, flightId: string): Promise<FlightMedia | null> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM media_flights WHERE flight_id = $1 AND organization_id = $2',
      [flightId, organizationId],
    )) as Row[];
    return rows[0] ? flightOf(rows[0]) : null;
  }

  async filesOfFlight(organizationId: string, flightId: string): Promise<StoredMediaFile[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM media_files WHERE flight_id = $1 AND organization_id = $2
       ORDER BY captured_at NULLS LAST, reported_at, name`,
      [flightId, organizationId],
    )) as Row[];
    return rows.map(fileOf);
  }

  async filesOfDock(
    organizationId: string,
    gatewaySn: string,
    limit: number,
  ): Promise<StoredMediaFile[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM media_files WHERE gateway_sn = $1 AND organization_id = $2
       ORDER BY reported_at DESC LIMIT $3`,
      [gatewaySn, organizationId, limit],
    )) as Row[];
    return rows.map(fileOf);
  }

  async file(id: string): Promise<StoredMediaFile | null> {
    const rows = (await this.dataSource.query('SELECT * FROM media_files WHERE id = $1', [
      id,
    ])) as Row[];
    return rows[0] ? fileOf(rows[0]) : null;
  }

  async recordPrioritization(p: Prioritization): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO media_prioritizations (correlation_id, organization_id, gateway_sn, flight_id, requested_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [p.correlationId, p.organizationId, p.gatewaySn, p.flightId, p.requestedAt],
    );
  }

  async completePrioritization(
    correlationId: string,
    outcome: NonNullable<Prioritization['outcome']>,
    result: number | null,
    error: string | null,
    at: number,
  ): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE media_prioritizations SET outcome = $2, result = $3, error = $4, completed_at = $5
       WHERE correlation_id = $1 AND outcome IS NULL RETURNING correlation_id`,
      [correlationId, outcome, result, error, at],
    )) as unknown[];
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length > 0 : rows.length > 0;
  }

  async prioritization(
    organizationId: string,
    correlationId: string,
  ): Promise<Prioritization | null> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM media_prioritizations WHERE correlation_id = $1 AND organization_id = $2',
      [correlationId, organizationId],
    )) as Row[];
    const row = rows[0];
    if (!row) return null;
    return {
      correlationId: row.correlation_id as string,
      organizationId: row.organization_id as string,
      gatewaySn: row.gateway_sn as string,
      flightId: row.flight_id as string,
      requestedAt: Number(row.requested_at),
      outcome: (row.outcome as Prioritization['outcome']) ?? null,
      result: num(row.result),
      error: (row.error as string | null) ?? null,
      completedAt: num(row.completed_at),
    };
  }

  private async organizationIn(manager: EntityManager, gatewaySn: string): Promise<string> {
    const rows = (await manager.query(
      'SELECT organization_id FROM media_docks WHERE gateway_sn = $1',
      [gatewaySn],
    )) as Row[];
    return (rows[0]?.organization_id as string | undefined) ?? DEFAULT_ORGANIZATION_ID;
  }

  /** Recomputes a flight's status; a change is written to the outbox. */
  private async restatus(
    manager: EntityManager,
    flightId: string,
    at: number,
    incompleteAfterMs: number,
    now = Date.now(),
  ): Promise<void> {
    const [row] = (await manager.query('SELECT * FROM media_flights WHERE flight_id = $1', [
      flightId,
    ])) as Row[];
    if (!row) return;
    const flight = flightOf(row);
    const status = flightMediaStatus(flight, now, incompleteAfterMs);
    if (status === flight.status) return;
    await manager.query(
      'UPDATE media_flights SET status = $2, status_changed_at = $3 WHERE flight_id = $1',
      [flightId, status, at],
    );
    const record: MediaRecord = {
      schemaVersion: 1,
      kind: 'flight',
      organizationId: flight.organizationId,
      gatewaySn: flight.gatewaySn,
      flightId,
      status,
      expected: flight.expected,
      received: flight.received,
      at,
    };
    await this.outbox(manager, flight.gatewaySn, record, at);
  }

  private async outbox(
    manager: EntityManager,
    key: string,
    record: MediaRecord,
    at: number,
  ): Promise<void> {
    await manager.query(
      'INSERT INTO outbox (topic, key, payload, created_at) VALUES ($1, $2, $3, $4)',
      [this.recordsTopic, key, JSON.stringify(record), at],
    );
  }
}
