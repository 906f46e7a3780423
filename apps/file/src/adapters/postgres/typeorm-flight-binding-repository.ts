import type { DataSource } from 'typeorm';
import type { FlightBinding } from '../../domain/flights/flight-binding';
import type {
  BindOutcome,
  FlightBindingRepository,
  TaskObservation,
} from '../../domain/flights/flight-binding-repository';
import { FlightBindingEntity } from './flight-binding.entity';
import { isUuid, toFlightBinding } from './row-mapping';

/** The flight -> wayline record in PostgreSQL (table flight_bindings). */
export class TypeOrmFlightBindingRepository implements FlightBindingRepository {
  constructor(private readonly dataSource: DataSource) {}

  bind(
    request: { flightId: string; waylineId: string; gatewaySn: string; organizationId: string },
    at: Date,
  ): Promise<BindOutcome> {
    if (!isUuid(request.waylineId)) return Promise.resolve({ outcome: 'wayline_not_found' });
    return this.dataSource.transaction(async (manager): Promise<BindOutcome> => {
      // A share lock: a concurrent delete of this wayline waits for us, then sees the binding.
      // Another organization's wayline is not found, exactly as an unknown one.
      const wayline: unknown[] = await manager.query(
        'SELECT id FROM waylines WHERE id = $1 AND organization_id = $2 FOR SHARE',
        [request.waylineId, request.organizationId],
      );
      if (wayline.length === 0) return { outcome: 'wayline_not_found' };
      await manager.query(
        `INSERT INTO flight_bindings
           (flight_id, organization_id, wayline_id, gateway_sn, bound_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (flight_id) DO NOTHING`,
        [request.flightId, request.organizationId, request.waylineId, request.gatewaySn, at],
      );
      const existing = await manager
        .createQueryBuilder(FlightBindingEntity, 'binding')
        .setLock('pessimistic_write')
        .where('binding.flightId = :flightId', { flightId: request.flightId })
        .getOneOrFail();
      if (existing.organizationId !== request.organizationId)
        return { outcome: 'flight_not_found' };
      if (existing.waylineId === request.waylineId) {
        return { outcome: 'bound', binding: toFlightBinding(existing) };
      }
      if (existing.taskState !== null) {
        return { outcome: 'conflict', boundWaylineId: existing.waylineId };
      }
      // Not confirmed by any task event yet: the mission service changed its mind.
      existing.waylineId = request.waylineId;
      existing.gatewaySn = request.gatewaySn;
      existing.boundAt = at;
      existing.updatedAt = at;
      await manager.save(existing);
      return { outcome: 'bound', binding: toFlightBinding(existing) };
    });
  }

  async observe(observation: TaskObservation): Promise<void> {
    // Redelivered and out-of-order events are harmless: an older version never wins.
    await this.dataSource.query(
      `INSERT INTO flight_bindings
         (flight_id, wayline_id, gateway_sn, task_state, task_version, bound_at, updated_at,
          organization_id)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7)
       ON CONFLICT (flight_id) DO UPDATE SET
         organization_id = EXCLUDED.organization_id,
         wayline_id = EXCLUDED.wayline_id,
         gateway_sn = EXCLUDED.gateway_sn,
         task_state = EXCLUDED.task_state,
         task_version = EXCLUDED.task_version,
         updated_at = now()
       WHERE flight_bindings.task_version IS NULL
          OR flight_bindings.task_version <= EXCLUDED.task_version`,
      [
        observation.flightId,
        observation.waylineId,
        observation.gatewaySn,
        observation.state,
        observation.version,
        observation.at,
        observation.organizationId,
      ],
    );
  }

  async find(flightId: string): Promise<FlightBinding | null> {
    const row = await this.dataSource.manager.findOne(FlightBindingEntity, { where: { flightId } });
    return row ? toFlightBinding(row) : null;
  }
}
