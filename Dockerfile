# sweatstack-bff container image.
#
#   docker build -t sweatstack-bff .      (podman: podman build --format docker -t sweatstack-bff .)
#   docker run --rm -p 127.0.0.1:8000:8000 --env-file bff.env sweatstack-bff   (see README "Deployment")
#
# The default (last) stage is the BFF and holds no sandbox code. The sandbox SweatStack is a stage of
# its own, for compose.yaml and demos:
#   docker build --target sandbox -t sweatstack-sandbox .
#   docker run --rm -p 127.0.0.1:8001:8001 sweatstack-sandbox
#
# Stages, all from the official node:24-bookworm-slim:
#   build       every dependency (TypeScript, the `node` devDependency); `npm run build` -> dist/,
#               `npm run openapi` -> openapi/bff.json
#   sandbox     the sandbox workspace (sandbox/, @sweatstack-bff/sandbox) with its production
#               dependencies only and openapi/sweatstack.json; Node 24 runs its TypeScript sources
#               (type stripping, no build); user `node`, 0.0.0.0:8001, HEALTHCHECK on /__sandbox/users
#   runtime-fs  production dependencies only (`npm ci --omit=dev`), dist/, openapi/, and
#               the parts of the base image a server never uses removed: npm/npx, yarn, corepack,
#               C headers, docs, man pages, translations
#   runtime     that filesystem as one layer; NODE_ENV=production, user `node` (uid 1000),
#               0.0.0.0:8000, HEALTHCHECK on /health, SIGTERM -> clean exit within 10 s
#
# Why the flat final layer: files deleted in a later layer still count in an image's size, and
# node:24-bookworm-slim alone is 220-260 MB (Node's binary is ~120 MB), so a plain
# `FROM node:24-bookworm-slim` + ~27 MB of production node_modules lands above the 250 MB budget.
# Copying the trimmed filesystem into `FROM scratch` keeps the image at ~230 MB. The cost: the
# image shares no layer with the base image, so a pull downloads all of it (~75 MB compressed).
#
# Behind a TLS-intercepting proxy with a private CA, give npm that CA as an optional build secret:
#   docker build --secret id=npm_ca,src=/path/to/ca-bundle.pem -t sweatstack-bff .
# Without the secret nothing changes; with it, the file is mounted only while `npm ci` runs and is
# in no layer. (BuildKit and podman/buildah both support `RUN --mount=type=secret`.)
#
# HEALTHCHECK exists in the Docker image format only: build with `podman build --format docker`,
# otherwise podman writes an OCI image and drops the healthcheck.

# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# Dependencies first, so this layer is reused while only the sources change. `--workspaces=false`:
# the root package only; the sandbox workspace (sandbox/) is not in this stage, nor its link.
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --workspaces=false --cache /tmp/npm-cache && rm -rf /tmp/npm-cache

# Only what `tsc -p tsconfig.build.json` and `npm run openapi` read (.dockerignore keeps everything
# else out of the build context: tests, examples, bench, secrets, node_modules, dist).
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY plugins ./plugins
COPY routes ./routes
COPY scripts/write-openapi.ts scripts/write-or-check.ts ./scripts/
# openapi/: SweatStack's contract (sweatstack.json, read at run time) and this server's document
# (bff.json), which `npm run openapi` writes afresh from the routes just built.
COPY openapi ./openapi
RUN npm run build && npm run openapi

# ---------------------------------------------------------------------------------------------
# The sandbox SweatStack, never part of the BFF image below (compose.yaml builds it with
# `target: sandbox`). Only the sandbox workspace's production dependencies (`npm ci -w sandbox`:
# fastify, @fastify/multipart, jose, hyparquet, hyparquet-writer), its sources without tests, and the
# contract it validates request bodies against (sandbox/contract.ts reads ../openapi/sweatstack.json).
FROM node:24-bookworm-slim AS sandbox
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

COPY package.json package-lock.json ./
COPY sandbox/package.json ./sandbox/
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --omit=dev --ignore-scripts --workspace sandbox --cache /tmp/npm-cache \
    && rm -rf /tmp/npm-cache /root/.npm
COPY sandbox ./sandbox
COPY openapi/sweatstack.json ./openapi/

ENV NODE_ENV=production \
    SANDBOX_HOST=0.0.0.0 \
    SANDBOX_PORT=8001
# Files stay owned by root (read-only for the sandbox); the process runs as `node`.
USER node:node
EXPOSE 8001
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SANDBOX_PORT || 8001) + '/__sandbox/users', { signal: AbortSignal.timeout(4000) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: sandbox/server.ts closes the server and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "sandbox/server.ts"]

# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime-fs
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# Production dependencies only: no TypeScript, no tap, no `node` package (the base image has Node
# 24), and, with `--workspaces=false`, nothing of the sandbox workspace (no sandbox/, no link to it).
# None of them has an install script (sodium-native ships prebuilt binaries), so scripts stay
# off. Then: sodium-native's binaries for other platforms (~16 MB) and files nothing loads at run
# time (docs, type declarations, source maps; licences stay) go.
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --omit=dev --ignore-scripts --workspaces=false --cache /tmp/npm-cache \
    && rm -rf /tmp/npm-cache /root/.npm \
    && platform="$(node -p 'process.platform + "-" + process.arch')" \
    && if [ -d node_modules/sodium-native/prebuilds ]; then \
         find node_modules/sodium-native/prebuilds -mindepth 1 -maxdepth 1 ! -name "$platform" -exec rm -rf {} +; \
       fi \
    && find node_modules -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.d.ts' -o -name '*.d.mts' \
         -o -name '*.d.cts' -o -name '*.map' \) ! -iname 'licen[cs]e*' -delete \
    && node -e "require('sodium-native')"

# Not needed to run a server (and npm's own dependencies are the base image's usual CVE reports).
# Debian's copyright files stay. On the official image most of these are already absent.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
      /usr/local/include/node /usr/local/share/doc /usr/local/share/man /usr/local/CHANGELOG.md \
      /usr/local/README.md /usr/local/LICENSE /usr/share/man/* /usr/share/info/* /usr/share/locale/* \
      /var/cache/apt/* /var/lib/apt/lists/* /tmp/* /root/.npm \
    && find /usr/share/doc -type f ! -name copyright -delete

COPY --from=build /app/dist ./dist
COPY --from=build /app/openapi ./openapi

# ---------------------------------------------------------------------------------------------
FROM scratch AS runtime
COPY --from=runtime-fs / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
# Files stay owned by root (read-only for the app); the process runs as `node`.
USER node:node
EXPOSE 8000

# Node itself (no curl in the image). 127.0.0.1 reaches the server when HOST is 0.0.0.0, :: or
# 127.0.0.1; PORT is read when the check runs, so `-e PORT=...` keeps the check right.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health', { signal: AbortSignal.timeout(4000) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM (docker stop, podman stop, Kubernetes): close-with-grace stops accepting connections,
# finishes the requests in flight and exits 0, or exits 1 if that takes more than 8 s. Node is
# PID 1 and handles the signal itself, so no init process is needed.
STOPSIGNAL SIGTERM
# Node's settings (bench/README.md has the measurements):
# - --max-semi-space-size=8: V8 sizes its old space from the container's memory limit by itself (Node
#   reads the cgroup), but grows its young generation to 2 x 32-64 MB under load whatever the limit;
#   8 MB semi-spaces keep idle RSS near 137 MB instead of 155-165 MB, and less under load.
# `npm run start:bff` uses the same flags (test/unit/production-start.test.ts); the bench reads them here.
CMD ["node", "--max-semi-space-size=8", "dist/src/main.js"]
