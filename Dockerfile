# The Fargate worker: the same code as the Lambda functions, for backups and restores longer than
# Lambda's 15 minutes, with the database client tools the sources spawn. The CDK app builds it
# (`cdk deploy` needs Docker or Finch on the deploying machine; `cdk synth` does not).
# The state machines run `node dist/functions/handlers/fargate-worker.js run-backup|run-restore`.

FROM node:22-bookworm-slim AS build
# A C compiler for the build's Node-API addons (nano-times.c: a restore sets file times to the
# nanosecond; without it, to the microsecond. record-cipher.c: a pack's records are sealed with
# one OpenSSL context, Node's own, instead of a cipher per record). Built here, for the image's
# architecture. The tasks cap malloc's arenas through MALLOC_ARENA_MAX, not malloc-arenas.c.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:22-bookworm-slim
ARG TARGETARCH
ARG MONGODB_TOOLS_VERSION=100.10.0
# PostgreSQL 17's pg_dump (PGDG) dumps servers up to 17; MariaDB 10.11's client; MongoDB's tools.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gnupg libgssapi-krb5-2 mariadb-client \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-17 \
 && case "$TARGETARCH" in arm64) tools=ubuntu2204-arm64 ;; *) tools=debian12-x86_64 ;; esac \
 && curl -fsSL "https://fastdl.mongodb.org/tools/db/mongodb-database-tools-${tools}-${MONGODB_TOOLS_VERSION}.tgz" \
      | tar -xz -C /opt \
 && ln -s /opt/mongodb-database-tools-*/bin/* /usr/local/bin/ \
 && apt-get purge -y curl gnupg \
 && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY --from=build /src/state-machines state-machines
ENV NODE_ENV=production
USER node
ENTRYPOINT ["node", "dist/functions/handlers/fargate-worker.js"]
