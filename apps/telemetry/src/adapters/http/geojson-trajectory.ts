import { applyDecorators, Header, NotFoundException } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { RthRow } from '../../domain/telemetry-rows';
import { trajectoryFeature, TrajectoryFeature } from '../../domain/rth-geojson';
import { ERROR_SCHEMA, TRAJECTORY_SCHEMA } from './openapi-schemas';

export const GEOJSON = 'application/geo+json';

/**
 * A route answering one planned return-to-home path as a GeoJSON Feature (a flight's, a dock's):
 * its content type and its OpenAPI answers. `notFound` says when there is none (404).
 */
export function GeoJsonTrajectoryRoute(notFound: string): MethodDecorator {
  return applyDecorators(
    Header('Content-Type', GEOJSON),
    ApiProduces(GEOJSON),
    ApiOkResponse({ schema: TRAJECTORY_SCHEMA }),
    ApiNotFoundResponse({ description: notFound, schema: ERROR_SCHEMA }),
  );
}

/** The stored path as a GeoJSON Feature; none stored (or no point in it): 404 with `message`. */
export function trajectoryOr404(row: RthRow | null, message: string): TrajectoryFeature {
  const feature = row ? trajectoryFeature(row) : null;
  if (!feature) throw new NotFoundException(message);
  return feature;
}
