# syntax=docker/dockerfile:1
# zonekeeper: DNS records and TLS certificates, kept current.
#
#   docker build -t zonekeeper .
#   docker run -d --name zonekeeper --init --restart unless-stopped \
#     -v zonekeeper-data:/data \
#     -e ZONEKEEPER_LISTEN=0.0.0.0:9876 -p 127.0.0.1:9876:9876 \
#     zonekeeper
#
# Listening: the daemon listens on 127.0.0.1:9876 by default, and inside a
# container that is reachable from the container only (the health check works,
# a published port does not). To publish the API, make it listen on the
# container's interfaces (ZONEKEEPER_LISTEN=0.0.0.0:9876, or `run --listen
# 0.0.0.0:9876`) and publish the port on the host's loopback as above, or
# behind a reverse proxy. The health check reads ZONEKEEPER_LISTEN (not
# --listen): change the port there.
#
# Files: /data holds the database, certificates and the secret key (a volume);
# the config is /data/zonekeeper.yaml when present (none: an empty config), or
# wherever ZONEKEEPER_CONFIG points, e.g. a read-only bind mount:
#   -v ./zonekeeper.yaml:/etc/zonekeeper/zonekeeper.yaml:ro -e ZONEKEEPER_CONFIG=/etc/zonekeeper/zonekeeper.yaml
# Secrets: ZONEKEEPER_SECRET_KEY and the variables the config references as
# ${env:NAME}, from `--env-file` or an orchestrator's secrets (${file:/run/secrets/…}).
#
# --init: a small init reaps the processes deploy hooks leave behind; Node as
# PID 1 does not.

ARG NODE_IMAGE=node:24-slim

# Build stage: production dependencies, installed from the lockfile. Node 24
# runs the TypeScript sources directly, so there is nothing to compile; npm,
# its cache and the lockfile stay in this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime stage.
FROM ${NODE_IMAGE} AS runtime
# openssl: the PFX certificate output calls the openssl command.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    ZONEKEEPER_DATA=/data \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
WORKDIR /data
EXPOSE 9876
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "/app/src/service/healthcheck.ts"]
# SIGTERM: the daemon finishes or journals in-flight work; give it time (docker stop -t 90).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/src/cli/main.ts"]
CMD ["run"]
