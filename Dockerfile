# syntax=docker/dockerfile:1
# Backline server image: Node 24 on Debian slim, runs as the unprivileged "node" user.
#   docker build -t backline .
#   docker run -p 3978:3978 -e HOST=0.0.0.0 backline
# See deploy/compose.yaml for PostgreSQL, two instances and a load balancer (README "Containers").

# ---- build: every dependency, compile TypeScript, train and cache the intent model ----------
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# npm ci runs "prepare" (tsc), which writes dist/.
RUN npm ci --no-audit --no-fund
COPY bin ./bin
COPY dialogs ./dialogs
COPY knowledge ./knowledge
COPY web ./web
# Check the content and train the intent model once, so the container starts on a cached model.
RUN node bin/backline.js check \
 && node bin/backline.js nlu "why does my back hurt when I lift my leg" > /dev/null

# ---- production dependencies only -------------------------------------------------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# No "prepare" here (TypeScript is a dev dependency); then build better-sqlite3's native module.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

# ---- runtime -------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV PORT=3978 \
    HOST=0.0.0.0 \
    SQLITE_PATH=/app/data/backline.db \
    NLU_CACHE_DIR=/app/data/nlu-cache \
    SHOW_STARTUP_BANNER=false
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/dialogs ./dialogs
COPY --from=build /app/knowledge ./knowledge
COPY --from=build /app/web ./web
COPY --from=build /app/package.json ./package.json
COPY --from=build --chown=node:node /app/data/nlu-cache ./data/nlu-cache
RUN mkdir -p /app/data && chown node:node /app/data
# Everything above is root-owned and read-only to the server; only /app/data is its own.
USER node
EXPOSE 3978
# /healthz: the process answers (liveness). Load balancers should use /readyz instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/backline.js", "serve"]
