import type { TaskState } from '@dock/contracts';
import type { FlightBinding } from './flight-binding';

export interface TaskObservation {
  flightId: string;
  organizationId: string;
  waylineId: string;
  gatewaySn: string;
  state: TaskState;
  version: number;
  at: Date;
}

export type BindOutcome =
  | { outcome: 'bound'; binding: FlightBinding }
  | { outcome: 'wayline_not_found' }
  /** The flight is bound in another organization: for this one it does not exist. */
  | { outcome: 'flight_not_found' }
  | { outcome: 'conflict'; boundWaylineId: string };

/** The port to the flight -> wayline record (PostgreSQL). */
export interface FlightBindingRepository {
  /**
   * Binds a flight to an existing wayline (idempotent). Rebinding to another wayline is
   * refused once a task event confirmed the flight: the task's file is what the dock flies.
   */
  bind(
    binding: { flightId: string; waylineId: string; gatewaySn: string; organizationId: string },
    at: Date,
  ): Promise<BindOutcome>;
  /** Applies a task event unless a newer version of that flight's task was already applied. */
  observe(observation: TaskObservation): Promise<void>;
  find(flightId: string): Promise<FlightBinding | null>;
}
