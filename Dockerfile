# syntax=docker/dockerfile:1
# Images of the arkube components, one target each (operator, vdf, cu, node-agent):
#   docker build --target operator -t arkube/operator:dev .
# The build stage installs the workspaces with `npm ci` (which also compiles the native addon through
# native/'s install script, against the headers shipped in the node image), then drops the packages only
# tests need. TypeScript runs through tsx, which is a devDependency of the root package today, so the
# runtime image keeps the dev dependencies (typescript, eslint: ~60 MB) rather than a second install.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY native/package.json native/
COPY protocol/package.json protocol/
COPY test/package.json test/
COPY bench/package.json bench/
COPY vdf/package.json vdf/
COPY operator/package.json operator/
COPY cu/package.json cu/
COPY node-agent/package.json node-agent/
COPY devnet/package.json devnet/
# The native addon's install script needs its sources: scripts are skipped here and the addon is built
# once native/ is copied (the other packages' scripts are esbuild's binary check and protobufjs' notice).
RUN npm ci --omit=peer --ignore-scripts --no-audit --no-fund
COPY native/ native/
RUN ARKUBE_BUILD_JOBS=4 npm run -w native build
COPY protocol/ protocol/
COPY vdf/ vdf/
COPY operator/ operator/
COPY cu/ cu/
COPY node-agent/ node-agent/
COPY crds/ crds/
COPY tsconfig.json ./
# Test-only: static helm/kubectl binaries (chart tests), and the compiler's intermediate files.
RUN rm -rf node_modules/@aws-cdk native/build/Release/obj.target native/build/Release/.deps

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The node image's unprivileged user (uid 1000), as the chart's securityContext expects.
USER node

FROM runtime AS operator
ENTRYPOINT ["node", "--import", "tsx", "operator/main.ts"]

FROM runtime AS vdf
ENTRYPOINT ["node", "--import", "tsx", "vdf/main.ts"]
CMD ["--config", "/etc/arkube/config.yaml"]

FROM runtime AS cu
ENTRYPOINT ["node", "--import", "tsx", "cu/main.ts"]
CMD ["--config", "/etc/arkube/config.yaml"]

FROM runtime AS node-agent
ENTRYPOINT ["node", "--import", "tsx", "node-agent/main.ts"]
CMD ["--config", "/etc/arkube/config.yaml"]
