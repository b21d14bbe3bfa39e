# mops-bot: `serve` (webhooks + in-process schedules) or any other command (`run sweep`, `plan`...).
#
#   docker build -t mops-bot .
#   docker run -p 8080:8080 -v mops-data:/data \
#     -e GITLAB_URL=https://gitlab.com -e GITLAB_TOKEN=... -e GITLAB_WEBHOOK_SECRET=... mops-bot
#
# The TypeScript runs through tsx (a production dependency), so there is no compile step: the
# build stage only installs production dependencies, compiling better-sqlite3 if no prebuilt
# binary fits. The final image has no compiler, no dev dependencies and runs as the `node` user.

ARG NODE_VERSION=20.20

FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile may lack optional packages of other platforms (a registry without them); npm ci
# refuses such a lockfile, npm install resolves them.
RUN (npm ci --omit=dev --no-audit --no-fund || npm install --omit=dev --no-audit --no-fund) && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TZ=UTC \
    PORT=8080 \
    MOPS_DATA_DIR=/data \
    MOPS_POLICIES_DIR=/app/policies
WORKDIR /app
# Code and policies belong to root: the bot's user can read them, not change them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
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
