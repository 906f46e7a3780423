import type { FlightMediaStatus } from '../domain/media/flight-media';
import type { MediaFile } from '../domain/media/media-file';

/** A flight's media summary as stored. */
export interface FlightMedia {
  flightId: string;
  gatewaySn: string;
  organizationId: string;
  /** The flight is one the mission service created (a task event) or the dock reported flying. */
  known: boolean;
  expected: number | null;
  received: number;
  status: FlightMediaStatus;
  endedAt: number | null;
  lastReceivedAt: number | null;
  uploadFirstAt: number | null;
}

/** A recorded file: the domain's MediaFile with the id the store gave it. */
export interface StoredMediaFile extends MediaFile {
  id: string;
}

export interface TaskObservation {
  flightId: string;
  gatewaySn: string;
  organizationId: string;
  final: boolean;
  at: number;
}

export interface ProgressObservation {
  flightId: string;
  gatewaySn: string;
  mediaCount: number | undefined;
  final: boolean;
  at: number;
}

export interface Prioritization {
  correlationId: string;
  organizationId: string;
  gatewaySn: string;
  flightId: string;
  requestedAt: number;
  outcome: 'replied' | 'timeout' | 'invalid' | null;
  result: number | null;
  error: string | null;
  completedAt: number | null;
}

/** Where the media service keeps its facts; every change writes its media.records to the outbox. */
export interface MediaStore {
  /** The organization of the dock's latest task (DEFAULT_ORGANIZATION_ID when none is known). */
  organizationOfDock(gatewaySn: string): Promise<string>;
  observeTask(task: TaskObservation, incompleteAfterMs: number): Promise<void>;
  observeProgress(progress: ProgressObservation, incompleteAfterMs: number): Promise<void>;
  /** Whether the flight is known (a task or progress named it). */
  isKnownFlight(flightId: string): Promise<boolean>;
  /** Records a file once per (dock, object key); false when it was recorded before. */
  recordFile(
    file: MediaFile,
    expected: number | undefined,
    incompleteAfterMs: number,
  ): Promise<{ recorded: boolean; id: string }>;
  /** The dock's flights whose media is not complete, newest first. */
  openFlightsOfDock(gatewaySn: string, limit: number): Promise<string[]>;
  markUploadFirst(gatewaySn: string, flightId: string, at: number): Promise<void>;
  /** Turns pending flights incomplete once quiet for incompleteAfterMs; returns how many. */
  sweep(now: number, incompleteAfterMs: number, limit: number): Promise<number>;
  flight(organizationId: string, flightId: string): Promise<FlightMedia | null>;
  filesOfFlight(organizationId: string, flightId: string): Promise<StoredMediaFile[]>;
  filesOfDock(organizationId: string, gatewaySn: string, limit: number): Promise<StoredMediaFile[]>;
  file(id: string): Promise<StoredMediaFile | null>;
  recordPrioritization(p: Prioritization): Promise<void>;
  completePrioritization(
    correlationId: string,
    outcome: NonNullable<Prioritization['outcome']>,
    result: number | null,
    error: string | null,
    at: number,
  ): Promise<boolean>;
  prioritization(organizationId: string, correlationId: string): Promise<Prioritization | null>;
}

export interface OutboxRelay {
  relay(): Promise<number>;
}
