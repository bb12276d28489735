# Dockerfile — local-code-interpreter's MCP server over HTTP as a container image: Debian 12 (bookworm) slim
# with Node 24, the package, its platform package (the prebuilt addon) and its guest image packages, installed
# from the tarballs of this checkout, so no registry publication is needed.
#
# Build (where a container runtime exists; `npm test` builds it when docker or podman can run):
#   npm test -- --host-only                  # or `npm run build && npm run build:guests`: what gets packed
#   node scripts/pack-tarballs.mjs           # → deploy/tarballs/*.tgz, the only build context (.dockerignore)
#   docker build -t local-code-interpreter .
# Run (KVM from the host; the bearer token from a file, never from the image or the command line):
#   docker run --device /dev/kvm --group-add "$(stat -c %g /dev/kvm)" -p 8787:8787 \
#     -v "$PWD/token:/run/secrets/lci-mcp/token:ro" local-code-interpreter
# Kubernetes: deploy/kubernetes/ (the token is a Secret mounted at the same path; KVM through a device plugin).
#
# Micro-VMs need /dev/kvm in the container, readable and writable by the user below: passed in at run time,
# never at build time. The server binds 0.0.0.0, which it refuses to do without a token.

FROM node:24-bookworm-slim

# gcc/g++/libc6-dev: C and C++ are compiled on the host side (in the compile jail) before they run in a
# micro-VM; tini: PID 1 that forwards SIGTERM (the server's graceful shutdown) and reaps the compilers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc g++ libc6-dev tini \
 && rm -rf /var/lib/apt/lists/*

# the package and its guest images, as a user installs them (npm install of the packed tarballs)
WORKDIR /opt/local-code-interpreter
COPY deploy/tarballs/ /tmp/tarballs/
RUN echo '{ "name": "local-code-interpreter-image", "private": true }' > package.json \
 && npm install --omit=dev --no-audit --no-fund --ignore-scripts /tmp/tarballs/*.tgz \
 && rm -rf /tmp/tarballs /root/.npm
ENV PATH=/opt/local-code-interpreter/node_modules/.bin:$PATH \
    NODE_ENV=production

# non-root: a fixed uid/gid, so Kubernetes' runAsUser and file permissions can name it
RUN groupadd --system --gid 10001 lci \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/lci --create-home --shell /usr/sbin/nologin lci
USER 10001:10001

EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["local-code-interpreter", "mcp", "--http", "--host", "0.0.0.0", "--port", "8787", "--environment", "hyperlight", "--token-file", "/run/secrets/lci-mcp/token"]
