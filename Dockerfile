# syntax=docker/dockerfile:1
# KlosetStore's production image (docs/deploy.md). Two stages: `build` installs every
# dependency and compiles the TypeScript; `runtime` installs production dependencies only and
# takes the compiled `dist/` folders. The embedded database engine is not in the image:
# production uses MONGODB_URI. packages/server/src/deploy/dockerfile.test.ts replays these steps
# and starts the result in production mode, so keep every step in the forms it understands
# (FROM, WORKDIR, ENV, COPY, RUN, USER, EXPOSE, HEALTHCHECK, ENTRYPOINT, CMD; one line each).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages/embedded-db/package.json packages/embedded-db/
COPY packages/paystack-sandbox/package.json packages/paystack-sandbox/
COPY packages/core/package.json packages/core/
COPY packages/server/package.json packages/server/
COPY packages/cli/package.json packages/cli/
RUN npm ci --no-audit --no-fund --loglevel=error
COPY packages/ packages/
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# tini as PID 1: it forwards SIGTERM to node and reaps zombies (node is not meant to be PID 1).
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=10000 DATA_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/embedded-db/package.json packages/embedded-db/
COPY packages/paystack-sandbox/package.json packages/paystack-sandbox/
COPY packages/core/package.json packages/core/
COPY packages/server/package.json packages/server/
COPY packages/cli/package.json packages/cli/
# A fresh install with --omit=dev, not a prune of the build stage (npm/cli#6670, #8277): the
# server and the CLI need all five workspaces, and none of their dev tools.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
COPY --from=build /app/packages/embedded-db/dist packages/embedded-db/dist
COPY --from=build /app/packages/paystack-sandbox/dist packages/paystack-sandbox/dist
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/server/dist packages/server/dist
COPY --from=build /app/packages/cli/dist packages/cli/dist
COPY packages/cli/bin packages/cli/bin
COPY bin/kloset bin/kloset
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 10000
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||10000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "packages/server/dist/main.js"]
