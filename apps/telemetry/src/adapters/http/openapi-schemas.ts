import type { OpenAPIObject, SchemaObject, SecuritySchemeObject } from '@nestjs/swagger';

/** JSON schemas of the API's responses, for the OpenAPI document (views.ts builds them). */
const time = { type: 'string', format: 'date-time' } as const;
const nullableInt = { type: 'integer', nullable: true } as const;
const nullableText = { type: 'string', nullable: true } as const;

export const PROGRESS_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'One flighttask_progress report, enums labelled with the protocol tables',
  properties: {
    flightId: {
      type: 'string',
      description: 'ext.flight_id, else the bid (Dock 3 sends bid = flight id)',
    },
    gatewaySn: { type: 'string' },
    tid: { type: 'string' },
    bid: { type: 'string' },
    reportedAt: { ...time, description: "the dock's timestamp" },
    receivedAt: { ...time, description: 'when the gateway received it' },
    status: { type: 'string', example: 'in_progress' },
    statusLabel: { type: 'string' },
    final: { type: 'boolean' },
    result: { type: 'integer', example: 0 },
    resultMeaning: { type: 'string' },
    currentStep: nullableInt,
    currentStepLabel: nullableText,
    percent: nullableInt,
    waypointIndex: nullableInt,
    waylineId: nullableInt,
    waylineMissionState: nullableInt,
    waylineMissionStateLabel: nullableText,
    mediaCount: nullableInt,
    trackId: nullableText,
    breakPoint: { type: 'object', nullable: true, additionalProperties: true },
    ext: { type: 'object', nullable: true, additionalProperties: true },
  },
};

export const FLIGHT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    flightId: { type: 'string' },
    gatewaySn: { type: 'string' },
    firstReportedAt: time,
    readyAt: { ...time, nullable: true, description: 'last flighttask_ready naming this flight' },
    latest: PROGRESS_SCHEMA,
  },
};

export const TIMELINE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    flightId: { type: 'string' },
    items: { type: 'array', items: PROGRESS_SCHEMA },
    next: { type: 'string', nullable: true, description: 'pass as `after` for the next page' },
  },
};

export const DOCK_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    gatewaySn: { type: 'string' },
    dockOnline: { type: 'boolean', nullable: true },
    aircraftOnline: {
      type: 'boolean',
      nullable: true,
      description: 'update_topo sub_devices [] = false',
    },
    aircraftSn: nullableText,
    topologyReportedAt: { ...time, nullable: true },
    lastRthAt: { ...time, nullable: true },
    lastRthFlightId: nullableText,
    position: {
      type: 'object',
      nullable: true,
      description:
        'Where the dock stands, from its own osd pushes (latitude, longitude, height); null until it reported a valid fix',
      properties: {
        latitude: { type: 'number', minimum: -90, maximum: 90 },
        longitude: { type: 'number', minimum: -180, maximum: 180 },
        height: { type: 'number', nullable: true, description: 'ellipsoidal height in m' },
        reportedAt: { ...time, description: "the osd push's timestamp" },
      },
      required: ['latitude', 'longitude', 'height', 'reportedAt'],
    },
    updatedAt: time,
    progress: { ...PROGRESS_SCHEMA, nullable: true },
  },
};

export const FLEET_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    items: { type: 'array', items: DOCK_SCHEMA },
    next: { type: 'string', nullable: true, description: 'pass as `after` for the next page' },
  },
};

const POSITION = {
  type: 'array',
  items: { type: 'number' },
  minItems: 3,
  maxItems: 3,
  description: '[longitude, latitude, ellipsoidal height in m]',
} as const;

export const TRAJECTORY_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'GeoJSON Feature (RFC 7946): a LineString, or a Point for a one-point plan',
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    geometry: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['LineString', 'Point'] },
        coordinates: { oneOf: [{ type: 'array', items: POSITION }, POSITION] },
      },
    },
    properties: {
      type: 'object',
      properties: {
        flightId: nullableText,
        gatewaySn: { type: 'string' },
        tid: { type: 'string' },
        lastPointType: nullableInt,
        lastPointTypeLabel: nullableText,
        connectsToReturnPoint: {
          type: 'boolean',
          nullable: true,
          description: 'last_point_type 0: a map may draw the last point down to the dock',
        },
        pointCount: { type: 'integer' },
        reportedAt: time,
      },
    },
  },
};

export const TRAJECTORY_COLLECTION_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'GeoJSON FeatureCollection of the planned paths pushed, oldest first',
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: { type: 'array', items: TRAJECTORY_SCHEMA },
  },
};

export const EXIT_HOMING_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    gatewaySn: { type: 'string' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          gatewaySn: { type: 'string' },
          sn: nullableText,
          tid: { type: 'string' },
          bid: { type: 'string' },
          reportedAt: time,
          receivedAt: time,
          action: { type: 'integer' },
          actionLabel: { type: 'string' },
          reason: { type: 'integer' },
          reasonLabel: { type: 'string' },
        },
      },
    },
    next: { type: 'string', nullable: true },
  },
};

export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, message: { type: 'string' } },
};

export const STREAM_TICKET_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['ticket', 'expiresAt'],
  properties: {
    ticket: {
      type: 'string',
      description: 'pass as `GET /stream?ticket=<ticket>` (URL-safe as it is)',
      example: 'st1.mfx3k2bq.Zk1c0mFoYmE0Ym9a.nR3i0c8kPQ8xkq7lVb7dYqg6h5b3Qm3xq0dI2w1mJxA',
    },
    expiresAt: { ...time, description: 'after this the ticket opens nothing (401)' },
  },
};

/** The name of the stream-ticket security scheme (see withStreamTicketScheme). */
export const STREAM_TICKET_SECURITY = 'streamTicket';

const STREAM_TICKET_SCHEME: SecuritySchemeObject = {
  type: 'apiKey',
  in: 'query',
  name: 'ticket',
  description:
    'A short-lived ticket from POST /stream/tickets, accepted by GET /stream only: for ' +
    'browsers, whose EventSource cannot send the Authorization header. API tokens are never ' +
    'accepted in a URL.',
};

/**
 * Declares the stream-ticket scheme the live stream's operation refers to (the platform's
 * document declares the bearer scheme only). Any document that includes StreamController's
 * routes needs it, e.g. the embedded mode's.
 */
export function withStreamTicketScheme(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    securitySchemes: {
      ...document.components?.securitySchemes,
      [STREAM_TICKET_SECURITY]: STREAM_TICKET_SCHEME,
    },
  };
  return document;
}
