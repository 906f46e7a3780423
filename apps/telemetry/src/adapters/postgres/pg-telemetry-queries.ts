import type { DataSource } from 'typeorm';
import { encodeTimeCursor, TimeCursor } from '../../domain/query-params';
import type {
  DockState,
  FlightState,
  Page,
  Stored,
  TelemetryQueries,
  TimeRange,
} from '../../domain/read-model';
import type { ExitHomingRow, ProgressRow, ReadyRow, RthRow } from '../../domain/telemetry-rows';
import { dockState, exitHomingRow, ms, progressRow, readyRow, rthRow } from './row-mapping';

type Raw = Record<string, unknown>;

const PROGRESS_FIELDS = [
  'flight_id',
  'gateway_sn',
  'dedupe_key',
  'tid',
  'bid',
  'status',
  'is_final',
  'result',
  'current_step',
  'percent',
  'waypoint_index',
  'wayline_id',
  'wayline_mission_state',
  'media_count',
  'track_id',
  'break_point',
  'ext',
  'event_at',
  'received_at',
];

const DOCK_SELECT = `
  SELECT d.*, ${PROGRESS_FIELDS.map((f) => `p.${f} AS p_${f}`).join(', ')}
  FROM dock_latest d
  LEFT JOIN flight_latest p ON p.flight_id = d.progress_flight_id`;

/** The read side, plain SQL on the service's schema (search_path is set per connection). */
export class PgTelemetryQueries implements TelemetryQueries {
  constructor(private readonly dataSource: DataSource) {}

  async flightState(organizationId: string, flightId: string): Promise<FlightState | null> {
    const [raw] = await this.query(
      `SELECT f.*,
              (SELECT max(r.event_at) FROM ready_notices r
               WHERE r.flight_ids @> ARRAY[f.flight_id] AND r.organization_id = f.organization_id) AS ready_at
       FROM flight_latest f WHERE f.flight_id = $1 AND f.organization_id = $2`,
      [flightId, organizationId],
    );
    if (!raw) return null;
    return {
      latest: progressRow(raw),
      firstEventAt: ms(raw.first_event_at),
      readyAt: raw.ready_at === null ? null : ms(raw.ready_at),
    };
  }

  async progressTimeline(
    organizationId: string,
    flightId: string,
    limit: number,
    after: TimeCursor | null,
  ): Promise<Page<Stored<ProgressRow>>> {
    const rows = await this.query(
      `SELECT * FROM progress_reports
       WHERE flight_id = $1 AND organization_id = $5 AND NOT from_other_dock
         AND ($2::timestamptz IS NULL OR (event_at, id) > ($2::timestamptz, $3::bigint))
       ORDER BY event_at, id LIMIT $4`,
      [
        flightId,
        after ? new Date(after.at).toISOString() : null,
        after?.id ?? '0',
        limit + 1,
        organizationId,
      ],
    );
    return timePage(rows, limit, (raw) => ({ ...progressRow(raw), id: String(raw.id) }));
  }

  async dockState(organizationId: string, gatewaySn: string): Promise<DockState | null> {
    const [raw] = await this.query(
      `${DOCK_SELECT} WHERE d.gateway_sn = $1 AND d.organization_id = $2`,
      [gatewaySn, organizationId],
    );
    return raw ? dockState(raw) : null;
  }

  async fleetState(
    organizationId: string,
    limit: number,
    after: string | null,
    snPrefix: string | null,
  ): Promise<Page<DockState>> {
    // starts_with() instead of LIKE: a prefix holding % or _ means itself.
    const rows = await this.query(
      `${DOCK_SELECT}
       WHERE d.organization_id = $4
         AND ($1::text IS NULL OR d.gateway_sn COLLATE "C" > $1) AND ($2::text IS NULL OR starts_with(d.gateway_sn, $2))
       ORDER BY d.gateway_sn COLLATE "C" LIMIT $3`,
      [after, snPrefix, limit + 1, organizationId],
    );
    const items = rows.slice(0, limit).map(dockState);
    return { items, next: rows.length > limit ? (items.at(-1)?.gatewaySn ?? null) : null };
  }

  async latestTrajectory(organizationId: string, flightId: string): Promise<RthRow | null> {
    const [raw] = await this.query(
      `SELECT * FROM rth_latest WHERE flight_id = $1 AND organization_id = $2`,
      [flightId, organizationId],
    );
    return raw ? rthRow(raw) : null;
  }

  async trajectoryHistory(
    organizationId: string,
    flightId: string,
    limit: number,
  ): Promise<RthRow[]> {
    // The newest `limit` pushes, returned oldest first so a map can replay them in order.
    const rows = await this.query(
      `SELECT * FROM (
         SELECT * FROM rth_paths WHERE flight_id = $1 AND organization_id = $3
         ORDER BY event_at DESC, id DESC LIMIT $2
       ) newest ORDER BY event_at, id`,
      [flightId, limit, organizationId],
    );
    return rows.map(rthRow);
  }

  async latestDockTrajectory(organizationId: string, gatewaySn: string): Promise<RthRow | null> {
    const [raw] = await this.query(
      `SELECT * FROM rth_paths WHERE gateway_sn = $1 AND point_count > 0 AND organization_id = $2
       ORDER BY event_at DESC LIMIT 1`,
      [gatewaySn, organizationId],
    );
    return raw ? rthRow(raw) : null;
  }

  async exitHomingNotices(
    organizationId: string,
    gatewaySn: string,
    range: TimeRange,
    limit: number,
    after: TimeCursor | null,
  ): Promise<Page<Stored<ExitHomingRow>>> {
    const rows = await this.query(
      `SELECT * FROM exit_homing_notices
       WHERE gateway_sn = $1 AND organization_id = $7
         AND ($2::timestamptz IS NULL OR event_at >= $2) AND ($3::timestamptz IS NULL OR event_at < $3)
         AND ($4::timestamptz IS NULL OR (event_at, id) > ($4::timestamptz, $5::bigint))
       ORDER BY event_at, id LIMIT $6`,
      [
        gatewaySn,
        iso(range.from),
        iso(range.to),
        after ? iso(after.at) : null,
        after?.id ?? '0',
        limit + 1,
        organizationId,
      ],
    );
    return timePage(rows, limit, (raw) => ({ ...exitHomingRow(raw), id: String(raw.id) }));
  }

  async readyNotices(organizationId: string, flightId: string): Promise<ReadyRow[]> {
    const rows = await this.query(
      `SELECT * FROM ready_notices WHERE flight_ids @> ARRAY[$1::text] AND organization_id = $2
       ORDER BY event_at, id LIMIT 100`,
      [flightId, organizationId],
    );
    return rows.map(readyRow);
  }

  private query(sql: string, parameters: unknown[]): Promise<Raw[]> {
    return this.dataSource.query<Raw[]>(sql, parameters);
  }
}

function iso(msValue: number | null): string | null {
  return msValue === null ? null : new Date(msValue).toISOString();
}

/** One row more than asked says whether there is a next page; its cursor is the last shown. */
function timePage<T extends { eventAt: number; id: string }>(
  rows: Raw[],
  limit: number,
  map: (raw: Raw) => T,
): Page<T> {
  const items = rows.slice(0, limit).map(map);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > limit && last ? encodeTimeCursor({ at: last.eventAt, id: last.id }) : null,
  };
}
