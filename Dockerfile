# mops-bot: `serve` (webhooks + in-process schedules) or any other command (`run sweep`, `plan`...).
#
#   docker build -t mops-bot .
#   docker run -p 8080:8080 -v mops-data:/data \
#     -e GITLAB_URL=https://gitlab.com -e GITLAB_TOKEN=... -e GITLAB_WEBHOOK_SECRET=... mops-bot
#
# The build stage installs every dependency from the lockfile, compiles src/ to dist/ (npm run
# build) and then drops the dev dependencies; the runtime stage copies dist/ and the production
# node_modules. The final image has no compiler, no TypeScript sources, no dev dependencies and
# runs as the `node` user.

ARG NODE_VERSION=20.20

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies in a layer of their own, which a change to the sources does not invalidate:
# --ignore-scripts skips our `prepare` (the sources are not copied yet), and `npm rebuild` then runs
# the dependencies' own install scripts (better-sqlite3's binary, compiled if no prebuilt one fits).
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.js ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# NODE_OPTIONS caps the V8 heap. Uncapped, V8 lets a sweep's garbage grow to several times what the
# bot holds before it collects: a dry sweep of 10,000 issues holds under 50 MB yet peaked at 300 MB
# RSS, and under 200 MB with this cap (bench/memory.ts runs the bot with these options). The CI
# schedule job passes the same limit. A board several times larger may need more:
# `docker run -e NODE_OPTIONS=--max-old-space-size=<MB> ...`.
ENV NODE_ENV=production \
    TZ=UTC \
    PORT=8080 \
    MOPS_DATA_DIR=/data \
    MOPS_POLICIES_DIR=/app/policies \
    NODE_OPTIONS="--max-old-space-size=192"
WORKDIR /app
# Code and policies belong to root: the bot's user can read them, not change them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY bin ./bin
COPY policies ./policies
# The webhook inbox (SQLite) lives in /data: mount a volume so queued events survive a restart.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8080}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/mops-bot.js"]
CMD ["serve"]
