import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'flight_bindings' })
export class FlightBindingEntity {
  @PrimaryColumn({ name: 'flight_id', type: 'text' })
  flightId!: string;

  /** Not a foreign key: task events may name a wayline this service no longer (or never) had. */
  @Column({ name: 'wayline_id', type: 'text' })
  waylineId!: string;

  @Column({ name: 'organization_id', type: 'text' })
  organizationId!: string;

  @Column({ name: 'gateway_sn', type: 'text' })
  gatewaySn!: string;

  @Column({ name: 'task_state', type: 'text', nullable: true })
  taskState!: string | null;

  @Column({ name: 'task_version', type: 'integer', nullable: true })
  taskVersion!: number | null;

  @Column({ name: 'bound_at', type: 'timestamptz' })
  boundAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
