import type { DataSource, EntityManager } from 'typeorm';
import { splitByOwner } from '../../domain/flight-ownership';
import { newestByKey } from '../../domain/latest-state';
import { KnownOrganizations, organizationOf } from '../../domain/organizations';
import type {
  ExitHomingRow,
  PositionRow,
  ProgressRow,
  ReadyRow,
  RowBase,
  RthRow,
  TelemetryBatch,
  TopoRow,
} from '../../domain/telemetry-rows';
import type { TelemetryWriter, WriteOutcome } from '../../domain/telemetry-writer';
import { queryKnown } from './pg-organization-directory';
import { Column, guardedSet, json, newerThan, timestamp, unnestInsert } from './unnest-insert';

const ORGANIZATION = 'organization_id';

/** The organization column of a batch's rows: the flight's organization, else the dock's. */
function organizationColumn<R extends RowBase & { flightId?: string | null }>(
  known: KnownOrganizations,
): Column<R> {
  return { name: ORGANIZATION, type: 'text', value: (r) => organizationOf(r, known) };
}

/** What the batch's flights and docks belong to, read in the batch's transaction. */
function knownFor(manager: EntityManager, batch: TelemetryBatch): Promise<KnownOrganizations> {
  const flightIds = [
    ...batch.progress.map((r) => r.flightId),
    ...batch.rth.flatMap((r) => (r.flightId ? [r.flightId] : [])),
  ];
  const gatewaySns = [
    ...batch.progress,
    ...batch.rth,
    ...batch.exitHoming,
    ...batch.ready,
    ...batch.topo,
    ...batch.position,
  ].map((r) => r.gatewaySn);
  return queryKnown((sql, parameters) => manager.query(sql, parameters), flightIds, gatewaySns);
}

const base = <R extends RowBase>(): Column<R>[] => [
  { name: 'gateway_sn', type: 'text', value: (r) => r.gatewaySn },
  { name: 'dedupe_key', type: 'text', value: (r) => r.dedupeKey },
  { name: 'tid', type: 'text', value: (r) => r.tid },
  { name: 'bid', type: 'text', value: (r) => r.bid },
  { name: 'event_at', type: 'timestamptz', value: (r) => timestamp(r.eventAt) },
  { name: 'received_at', type: 'timestamptz', value: (r) => timestamp(r.receivedAt) },
];

const PROGRESS_COLUMNS: Column<ProgressRow>[] = [
  ...base<ProgressRow>(),
  { name: 'flight_id', type: 'text', value: (r) => r.flightId },
  { name: 'status', type: 'text', value: (r) => r.status },
  { name: 'is_final', type: 'boolean', value: (r) => r.isFinal },
  { name: 'result', type: 'bigint', value: (r) => r.result },
  { name: 'current_step', type: 'bigint', value: (r) => r.currentStep },
  { name: 'percent', type: 'bigint', value: (r) => r.percent },
  { name: 'waypoint_index', type: 'bigint', value: (r) => r.waypointIndex },
  { name: 'wayline_id', type: 'bigint', value: (r) => r.waylineId },
  { name: 'wayline_mission_state', type: 'bigint', value: (r) => r.waylineMissionState },
  { name: 'media_count', type: 'bigint', value: (r) => r.mediaCount },
  { name: 'track_id', type: 'text', value: (r) => r.trackId },
  { name: 'break_point', type: 'jsonb', value: (r) => json(r.breakPoint) },
  { name: 'ext', type: 'jsonb', value: (r) => json(r.ext) },
];

/** flight_latest has the progress columns plus first_event_at. */
const FLIGHT_LATEST_COLUMNS: Column<ProgressRow>[] = [
  ...PROGRESS_COLUMNS,
  { name: 'first_event_at', type: 'timestamptz', value: (r) => timestamp(r.eventAt) },
];

const RTH_COLUMNS: Column<RthRow>[] = [
  ...base<RthRow>(),
  { name: 'flight_id', type: 'text', value: (r) => r.flightId },
  { name: 'last_point_type', type: 'bigint', value: (r) => r.lastPointType },
  { name: 'points', type: 'jsonb', value: (r) => json(r.points) },
  { name: 'point_count', type: 'integer', value: (r) => r.points.length },
];

const EXIT_HOMING_COLUMNS: Column<ExitHomingRow>[] = [
  ...base<ExitHomingRow>(),
  { name: 'sn', type: 'text', value: (r) => r.sn },
  { name: 'action', type: 'bigint', value: (r) => r.action },
  { name: 'action_label', type: 'text', value: (r) => r.actionLabel },
  { name: 'reason', type: 'bigint', value: (r) => r.reason },
  { name: 'reason_label', type: 'text', value: (r) => r.reasonLabel },
];

/** text[] per row cannot go through unnest (it flattens 2-D arrays): it travels as jsonb. */
const READY_COLUMNS: Column<ReadyRow>[] = [
  ...base<ReadyRow>(),
  { name: 'flight_ids', type: 'jsonb', value: (r) => json(r.flightIds) },
];

/**
 * Stores a batch in one transaction: raw rows with INSERT ... ON CONFLICT DO NOTHING on
 * (gateway_sn, dedupe_key), then the latest-state upserts guarded by the dock's timestamp.
 * The latest state is fed from every valid row, not only the new ones: the guard makes that
 * idempotent, and a crash between the two steps cannot leave the latest state behind.
 */
export class PgTelemetryWriter implements TelemetryWriter {
  constructor(private readonly dataSource: DataSource) {}

  async write(batch: TelemetryBatch): Promise<WriteOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const known = await knownFor(manager, batch);
      const { own, fromOtherDock } = splitByOwner(
        batch.progress,
        await this.flightOwners(manager, batch.progress),
      );
      const flagged = new Set(fromOtherDock);
      const progress = await this.insertRaw(
        manager,
        'progress_reports',
        [
          ...PROGRESS_COLUMNS,
          organizationColumn(known),
          { name: 'from_other_dock', type: 'boolean', value: (r) => flagged.has(r) },
        ],
        batch.progress,
      );
      const rth = await this.insertRaw(
        manager,
        'rth_paths',
        [...RTH_COLUMNS, organizationColumn(known)],
        batch.rth,
      );
      const exitHoming = await this.insertRaw(
        manager,
        'exit_homing_notices',
        [...EXIT_HOMING_COLUMNS, organizationColumn(known)],
        batch.exitHoming,
      );
      const ready = await this.insertReady(manager, batch.ready, known);
      await this.upsertFlightLatest(manager, own, known);
      await this.upsertDockProgress(manager, own, known);
      await this.upsertRthLatest(manager, batch.rth, known);
      await this.upsertDockRth(manager, batch.rth, known);
      await this.upsertDockTopo(manager, batch.topo, known);
      await this.upsertDockPosition(manager, batch.position, known);
      return {
        progress: { ...progress, fromOtherDock: fromOtherDock.length },
        rth,
        exit_homing: exitHoming,
        ready,
        // Topology is state only: every report either moves it forward or changes nothing.
        topo: { stored: batch.topo.length, duplicates: 0 },
        // So is the position: the newest of the batch moves it forward, or nothing changes.
        position: { stored: batch.position.length, duplicates: 0 },
      };
    });
  }

  /** The dock each flight of the batch already belongs to (its first reporter). */
  private async flightOwners(
    manager: EntityManager,
    rows: readonly ProgressRow[],
  ): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const known = await manager.query<{ flight_id: string; gateway_sn: string }[]>(
      `SELECT flight_id, gateway_sn FROM flight_latest WHERE flight_id = ANY($1::text[])`,
      [[...new Set(rows.map((r) => r.flightId))]],
    );
    return new Map(known.map((k) => [k.flight_id, k.gateway_sn]));
  }

  private async insertRaw<R extends RowBase>(
    manager: EntityManager,
    table: string,
    columns: Column<R>[],
    rows: readonly R[],
  ): Promise<{ stored: number; duplicates: number }> {
    if (rows.length === 0) return { stored: 0, duplicates: 0 };
    const { sql, parameters } = unnestInsert(table, columns, rows);
    const inserted = await manager.query<unknown[]>(
      `${sql} ON CONFLICT (gateway_sn, dedupe_key) DO NOTHING RETURNING 1`,
      parameters,
    );
    return { stored: inserted.length, duplicates: rows.length - inserted.length };
  }

  private async insertReady(
    manager: EntityManager,
    rows: readonly ReadyRow[],
    known: KnownOrganizations,
  ): Promise<{ stored: number; duplicates: number }> {
    if (rows.length === 0) return { stored: 0, duplicates: 0 };
    const { parameters } = unnestInsert(
      'ready_notices',
      [...READY_COLUMNS, organizationColumn<ReadyRow>(known)],
      rows,
    );
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ready_notices
         (gateway_sn, dedupe_key, tid, bid, event_at, received_at, flight_ids, organization_id)
       SELECT g, d, t, b, e, r, ARRAY(SELECT jsonb_array_elements_text(f)), o
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                   $6::timestamptz[], $7::jsonb[], $8::text[]) AS u(g, d, t, b, e, r, f, o)
       ON CONFLICT (gateway_sn, dedupe_key) DO NOTHING RETURNING 1`,
      parameters,
    );
    return { stored: inserted.length, duplicates: rows.length - inserted.length };
  }

  private async upsertFlightLatest(
    manager: EntityManager,
    rows: readonly ProgressRow[],
    known: KnownOrganizations,
  ) {
    const newest = newestByKey(rows, (r) => r.flightId);
    if (newest.length === 0) return;
    const { sql, parameters } = unnestInsert(
      'flight_latest AS f',
      [...FLIGHT_LATEST_COLUMNS, organizationColumn(known)],
      newest,
    );
    const moving = [...PROGRESS_COLUMNS.map((c) => c.name), ORGANIZATION].filter(
      (name) => name !== 'flight_id',
    );
    const newer = newerThan('f');
    await manager.query(
      `${sql}
       ON CONFLICT (flight_id) DO UPDATE SET
         ${guardedSet('f', moving, newer)},
         first_event_at = LEAST(f.first_event_at, excluded.first_event_at),
         updated_at = CASE WHEN ${newer} THEN now() ELSE f.updated_at END
       -- The owner never changes, even when two docks' first reports race in parallel batches.
       WHERE f.gateway_sn = excluded.gateway_sn
         AND (${newer} OR excluded.first_event_at < f.first_event_at)`,
      parameters,
    );
  }

  /** Three aspects of a dock (progress, topology, RTH) move forward independently. */
  /** A dock's state belongs to the dock's organization (not to that of the flight it flew). */
  private dockOrganization<R extends RowBase>(known: KnownOrganizations): Column<R> {
    return {
      name: ORGANIZATION,
      type: 'text',
      value: (r) => organizationOf({ gatewaySn: r.gatewaySn }, known),
    };
  }

  private async upsertDockProgress(
    manager: EntityManager,
    rows: readonly ProgressRow[],
    known: KnownOrganizations,
  ) {
    const newest = newestByKey(rows, (r) => r.gatewaySn);
    await this.upsertDockAspect(manager, 'progress', newest, [
      { name: 'progress_flight_id', type: 'text', value: (r) => r.flightId },
      this.dockOrganization(known),
    ]);
  }

  private async upsertDockRth(
    manager: EntityManager,
    rows: readonly RthRow[],
    known: KnownOrganizations,
  ) {
    const newest = newestByKey(rows, (r) => r.gatewaySn);
    await this.upsertDockAspect(manager, 'rth', newest, [
      { name: 'rth_flight_id', type: 'text', value: (r) => r.flightId },
      this.dockOrganization(known),
    ]);
  }

  private async upsertDockTopo(
    manager: EntityManager,
    rows: readonly TopoRow[],
    known: KnownOrganizations,
  ) {
    const newest = newestByKey(rows, (r) => r.gatewaySn);
    await this.upsertDockAspect(manager, 'topo', newest, [
      { name: 'dock_online', type: 'boolean', value: (r) => r.dockOnline },
      { name: 'aircraft_online', type: 'boolean', value: (r) => r.aircraftOnline },
      { name: 'aircraft_sn', type: 'text', value: (r) => r.aircraftSn },
      this.dockOrganization(known),
    ]);
  }

  private async upsertDockPosition(
    manager: EntityManager,
    rows: readonly PositionRow[],
    known: KnownOrganizations,
  ) {
    const newest = newestByKey(rows, (r) => r.gatewaySn);
    await this.upsertDockAspect(manager, 'position', newest, [
      { name: 'latitude', type: 'float8', value: (r) => r.latitude },
      { name: 'longitude', type: 'float8', value: (r) => r.longitude },
      { name: 'height', type: 'float8', value: (r) => r.height },
      this.dockOrganization(known),
    ]);
  }

  private async upsertDockAspect<R extends RowBase>(
    manager: EntityManager,
    aspect: 'progress' | 'rth' | 'topo' | 'position',
    rows: readonly R[],
    own: Column<R>[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const columns: Column<R>[] = [
      { name: 'gateway_sn', type: 'text', value: (r) => r.gatewaySn },
      { name: `${aspect}_event_at`, type: 'timestamptz', value: (r) => timestamp(r.eventAt) },
      { name: `${aspect}_received_at`, type: 'timestamptz', value: (r) => timestamp(r.receivedAt) },
      { name: `${aspect}_dedupe_key`, type: 'text', value: (r) => r.dedupeKey },
      ...own,
    ];
    const { sql, parameters } = unnestInsert('dock_latest AS d', columns, rows);
    const assignments = columns
      .slice(1)
      .map((c) => `${c.name} = excluded.${c.name}`)
      .join(', ');
    await manager.query(
      `${sql}
       ON CONFLICT (gateway_sn) DO UPDATE SET ${assignments}, updated_at = now()
       WHERE ${newerThan('d', `${aspect}_`)}`,
      parameters,
    );
  }

  /** Only plans with points and a flight: an empty push ends a return, it is not a path. */
  private async upsertRthLatest(
    manager: EntityManager,
    rows: readonly RthRow[],
    known: KnownOrganizations,
  ) {
    const drawable = rows.filter((r) => r.points.length > 0 && r.flightId !== null);
    const newest = newestByKey(drawable, (r) => r.flightId);
    if (newest.length === 0) return;
    const columns = [...RTH_COLUMNS, organizationColumn<RthRow>(known)];
    const { sql, parameters } = unnestInsert('rth_latest AS l', columns, newest);
    const moving = columns.map((c) => c.name).filter((name) => name !== 'flight_id');
    await manager.query(
      `${sql}
       ON CONFLICT (flight_id) DO UPDATE SET
         ${moving.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()
       WHERE ${newerThan('l')}`,
      parameters,
    );
  }
}
