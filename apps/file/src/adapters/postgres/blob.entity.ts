import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-transformer';

/** One stored KMZ blob, shared by every wayline with the same bytes. */
@Entity({ name: 'blobs' })
export class BlobEntity {
  @PrimaryColumn({ type: 'char', length: 32 })
  fingerprint!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes!: number;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
