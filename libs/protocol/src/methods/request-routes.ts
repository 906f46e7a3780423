import { RequestMethod } from './method-names';

/**
 * Who answers each dock request, defined once: the gateway itself (`config`), or a service that
 * reads dock.uplink.requests and writes dock.request-replies (the gateway then waits for the
 * answer until its request deadline). A request whose method is not here gets an immediate
 * "not supported" reply instead of a wait no one will end.
 */

export type RequestAnsweredBy = 'gateway' | 'file' | 'registry' | 'media';

export type RequestRoute =
  | {
      /** Answered at once by the gateway; the request is still written to Kafka. */
      readonly answeredBy: 'gateway';
    }
  | {
      readonly answeredBy: Exclude<RequestAnsweredBy, 'gateway'>;
      /**
       * The result the dock gets when its request cannot be answered as it should: no answer by
       * the deadline, an answer the protocol refuses, or a request the gateway could not read.
       */
      readonly failureResult: number;
    };

/**
 * 314000, "not supported in the current state": the one generic refusal in the protocol's code
 * table (the spec gives no "unknown method" code). The dock logs it as a refusal and goes on,
 * rather than waiting for a reply that never comes.
 */
export const REQUEST_NOT_SUPPORTED_RESULT = 314000;

/** 314013, "could not get the KMZ URL": the documented failure of flighttask_resource_get. */
export const RESOURCE_UNAVAILABLE_RESULT = 314013;

/**
 * The binding requests' failure when the registry does not answer properly. The spec defines no
 * result code for them; 210231 is the code its own airport_organization_bind example carries as
 * a device's failure (meaning unverified), so it is the one binding error a dock is known to
 * show. Non-zero is what matters: the dock reports binding failed and the operator retries.
 */
export const BINDING_UNAVAILABLE_RESULT = 210231;

/**
 * storage_config_get's failure when the media service does not answer properly. The spec gives
 * it no code; 317xxx is the media family of the code table (317001 "media count failed" is the
 * one documented), so a dock shows a media error and asks again at its next upload session.
 */
export const STORAGE_UNAVAILABLE_RESULT = 317001;

export const REQUEST_ROUTES: { readonly [M in RequestMethod]: RequestRoute } = {
  config: { answeredBy: 'gateway' },
  flighttask_resource_get: { answeredBy: 'file', failureResult: RESOURCE_UNAVAILABLE_RESULT },
  airport_bind_status: { answeredBy: 'registry', failureResult: BINDING_UNAVAILABLE_RESULT },
  airport_organization_get: { answeredBy: 'registry', failureResult: BINDING_UNAVAILABLE_RESULT },
  airport_organization_bind: { answeredBy: 'registry', failureResult: BINDING_UNAVAILABLE_RESULT },
  storage_config_get: { answeredBy: 'media', failureResult: STORAGE_UNAVAILABLE_RESULT },
};

/** The route of `method`, or undefined for a request no one answers (not supported). */
export function requestRoute(method: string | null): RequestRoute | undefined {
  return method !== null && Object.hasOwn(REQUEST_ROUTES, method)
    ? REQUEST_ROUTES[method as RequestMethod]
    : undefined;
}

/**
 * The result a dock gets when a request cannot be answered as it should: the method's own
 * failure result, or "not supported" for methods no service answers (config included: its
 * reply has no result, see dock-config-and-time.md, so the gateway never needs one for it).
 */
export function requestFailureResult(method: string | null): number {
  const route = requestRoute(method);
  return route !== undefined && route.answeredBy !== 'gateway'
    ? route.failureResult
    : REQUEST_NOT_SUPPORTED_RESULT;
}
