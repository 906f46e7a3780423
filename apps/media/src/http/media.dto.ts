import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FlightMedia, Prioritization, StoredMediaFile } from '../application/ports';
import { mediaFileFacts } from '../domain/media/media-file';

export class MediaFileDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty({ nullable: true, type: String }) flightId!: string | null;
  @ApiProperty({ description: 'The object key in the bucket' }) objectKey!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['photo', 'video', 'other'] }) type!: string;
  @ApiProperty({ nullable: true, type: Boolean }) isOriginal!: boolean | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) capturedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) latitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) longitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) gimbalYawDegree!: number | null;
  @ApiProperty({ nullable: true, type: Number }) absoluteAltitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) relativeAltitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) sizeBytes!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'MD5 (hex) of the stored bytes' })
  fingerprint!: string | null;
  @ApiProperty({ description: 'The flight is not one the system knows (kept and flagged)' })
  unknownFlight!: boolean;
  @ApiProperty({ description: 'When the dock reported it (UTC ms)' }) reportedAt!: number;
  @ApiProperty({ description: 'Signed, expiring download URL (Range supported)' })
  downloadUrl!: string;
  @ApiProperty({ format: 'date-time' }) downloadExpiresAt!: string;
}

export class FlightMediaDto {
  @ApiProperty() flightId!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty({ enum: ['complete', 'pending', 'incomplete'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Files the dock announced' })
  expected!: number | null;
  @ApiProperty({ description: 'Distinct files recorded' }) received!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'expected - received, when known' })
  missing!: number | null;
  @ApiProperty({ description: 'A task or the dock named this flight' }) known!: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) endedAt!: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'The dock said it uploads this flight first',
  })
  uploadFirstAt!: number | null;
  @ApiProperty({ type: [MediaFileDto] }) files!: MediaFileDto[];
}

export class DockMediaDto {
  @ApiProperty() gatewaySn!: string;
  @ApiProperty({ type: [MediaFileDto] }) items!: MediaFileDto[];
}

export class PrioritizationDto {
  @ApiProperty({ format: 'uuid' }) correlationId!: string;
  @ApiProperty() flightId!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty() requestedAt!: number;
  @ApiProperty({ enum: ['sent', 'replied', 'timeout', 'invalid'] }) state!: string;
  @ApiProperty({ nullable: true, type: Number, description: "The dock's result (0 = accepted)" })
  result!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) completedAt!: number | null;
}

export function toFlightDto(flight: FlightMedia, files: MediaFileDto[]): FlightMediaDto {
  return {
    flightId: flight.flightId,
    gatewaySn: flight.gatewaySn,
    status: flight.status,
    expected: flight.expected,
    received: flight.received,
    missing: flight.expected === null ? null : Math.max(0, flight.expected - flight.received),
    known: flight.known,
    endedAt: flight.endedAt,
    uploadFirstAt: flight.uploadFirstAt,
    files,
  };
}

export function toFileDto(
  file: StoredMediaFile,
  link: { url: string; expiresAt: Date },
): MediaFileDto {
  return {
    id: file.id,
    ...mediaFileFacts(file),
    gimbalYawDegree: file.gimbalYawDegree,
    absoluteAltitude: file.absoluteAltitude,
    relativeAltitude: file.relativeAltitude,
    sizeBytes: file.sizeBytes,
    fingerprint: file.fingerprint,
    unknownFlight: file.unknownFlight,
    reportedAt: file.reportedAt,
    downloadUrl: link.url,
    downloadExpiresAt: link.expiresAt.toISOString(),
  };
}

export function toPrioritizationDto(p: Prioritization): PrioritizationDto {
  return {
    correlationId: p.correlationId,
    flightId: p.flightId,
    gatewaySn: p.gatewaySn,
    requestedAt: p.requestedAt,
    state: p.outcome ?? 'sent',
    result: p.result,
    error: p.error,
    completedAt: p.completedAt,
  };
}
