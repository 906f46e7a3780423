import type { DownloadLink, DownloadLinks } from '../downloads/download-links';
import type { WaylineRepository } from '../waylines/wayline-repository';
import { WaylineNotFoundError } from '../waylines/wayline-errors';
import type { FlightBinding } from './flight-binding';
import type { FlightBindingRepository, TaskObservation } from './flight-binding-repository';

/**
 * The result code answered when the file service cannot give a dock its wayline (unknown
 * flight, or its file was deleted). 314013 is the dock protocol's "could not get KMZ URL", the
 * code the dock itself reports for this failure, so operators see one code for one problem.
 */
export const RESOURCE_UNAVAILABLE_RESULT = 314013;

/** The data of a flighttask_resource_get reply (requests_reply). */
export type ResourceReplyData =
  { result: 0; output: { file: { url: string; fingerprint: string } } } | { result: number };

/** The flight is bound in another organization (for the asking one, it is unknown). */
export class FlightNotFoundError extends Error {
  constructor(readonly flightId: string) {
    super(`no wayline is known for flight ${flightId}`);
    this.name = 'FlightNotFoundError';
  }
}

export class FlightAlreadyBoundError extends Error {
  constructor(
    readonly flightId: string,
    readonly boundWaylineId: string,
  ) {
    super(`flight ${flightId} already flies wayline ${boundWaylineId}`);
    this.name = 'FlightAlreadyBoundError';
  }
}

/** Which wayline each flight flies, and the URLs docks fetch it from. */
export class FlightResources {
  constructor(
    private readonly bindings: FlightBindingRepository,
    private readonly waylines: WaylineRepository,
    private readonly links: DownloadLinks,
  ) {}

  /**
   * The mission service's call before flighttask_prepare: records the flight's wayline and
   * returns a fresh URL and the fingerprint for the prepare command.
   */
  async bind(
    request: { flightId: string; waylineId: string; gatewaySn: string; organizationId: string },
    at: Date,
  ): Promise<{ binding: FlightBinding; link: DownloadLink }> {
    const outcome = await this.bindings.bind(request, at);
    if (outcome.outcome === 'wayline_not_found') throw new WaylineNotFoundError(request.waylineId);
    if (outcome.outcome === 'flight_not_found') throw new FlightNotFoundError(request.flightId);
    if (outcome.outcome === 'conflict') {
      throw new FlightAlreadyBoundError(request.flightId, outcome.boundWaylineId);
    }
    const wayline = await this.waylines.findById(request.waylineId);
    if (!wayline) throw new WaylineNotFoundError(request.waylineId);
    return { binding: outcome.binding, link: await this.links.issue(wayline) };
  }

  /** What the service knows of a flight of this organization, or null. */
  async find(flightId: string, organizationId: string): Promise<FlightBinding | null> {
    const binding = await this.bindings.find(flightId);
    return binding?.organizationId === organizationId ? binding : null;
  }

  /** Learns flight -> wayline and the task's state from a mission.task-events record. */
  observe(observation: TaskObservation): Promise<void> {
    return this.bindings.observe(observation);
  }

  /**
   * The answer to a dock's flighttask_resource_get: a fresh URL, or a non-zero result. Only the
   * dock the flight was bound for (`askingGatewaySn`, the SN of the topic the request came on)
   * gets its URL: another dock's flight is answered exactly as an unknown one.
   */
  async resolve(flightId: string, askingGatewaySn: string): Promise<ResourceReplyData> {
    const binding = await this.bindings.find(flightId);
    if (!binding || binding.gatewaySn !== askingGatewaySn) {
      return { result: RESOURCE_UNAVAILABLE_RESULT };
    }
    const wayline = await this.waylines.findById(binding.waylineId);
    if (!wayline) return { result: RESOURCE_UNAVAILABLE_RESULT };
    const link = await this.links.issue(wayline);
    return { result: 0, output: { file: { url: link.url, fingerprint: link.fingerprint } } };
  }
}
