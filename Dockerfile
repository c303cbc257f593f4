# syntax=docker/dockerfile:1

# Build stage: the whole toolchain, used only to produce one bundled file.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY aci ./aci
COPY service ./service
RUN npm run build -- --outfile=/out/server.mjs

# Runtime stage: Node 24 and the bundle. npm, npx, yarn and corepack are removed because the
# service never installs anything at run time, and each is attack surface it does not need.
FROM node:24-bookworm-slim AS runtime
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build /out/ /app/
USER node
EXPOSE 8080
ENTRYPOINT ["node", "/app/server.mjs"]
