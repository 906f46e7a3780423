import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-transformer';
import { BlobEntity } from './blob.entity';

@Entity({ name: 'waylines' })
export class WaylineEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'organization_id', type: 'text' })
  organizationId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'char', length: 32 })
  fingerprint!: string;

  @ManyToOne(() => BlobEntity, { eager: true, nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fingerprint', referencedColumnName: 'fingerprint' })
  blob!: BlobEntity;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes!: number;

  @Column({ name: 'drone_model_key', type: 'text', nullable: true })
  droneModelKey!: string | null;

  @Column({ name: 'payload_model_keys', type: 'text', array: true })
  payloadModelKeys!: string[];

  @Column({ name: 'template_type', type: 'text', nullable: true })
  templateType!: string | null;

  @Column({ name: 'waypoint_count', type: 'integer' })
  waypointCount!: number;

  @Column({ name: 'wayline_count', type: 'integer' })
  waylineCount!: number;

  @Column({ name: 'distance_meters', type: 'double precision', nullable: true })
  distanceMeters!: number | null;

  @Column({ name: 'duration_seconds', type: 'double precision', nullable: true })
  durationSeconds!: number | null;

  @Column({ type: 'text', nullable: true })
  author!: string | null;

  @Column({
    name: 'kml_created_at_ms',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  kmlCreatedAtMs!: number | null;

  @Column({
    name: 'kml_updated_at_ms',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  kmlUpdatedAtMs!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
