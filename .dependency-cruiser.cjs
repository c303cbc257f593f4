/**
 * The layers of the architecture, held by dependency-cruiser (test/architecture/boundaries.test.ts
 * runs it in `npm test`; `npx depcruise --config .dependency-cruiser.cjs service cli emulator infra`
 * prints the same report). Paths are relative to the repository root; packages resolve into
 * node_modules/, Node's own modules keep their name (`node:fs`).
 *
 * The pure part: service/core/, the names of the service's settings (service/config-names.ts) and
 * aci/ (facts of ACI itself that the service, the emulator and infra share). It may use zod, uuid
 * and node:crypto: hashing a request and drawing a run id's random bits are computations, not I/O
 * (uuid draws from the same source); everything else in Node's library reaches the outside world.
 */
const pure = ["^service/core/", "^service/config-names\\.ts$", "^aci/"];
const armSdk = "^node_modules/@azure/(arm-containerinstance|core-rest-pipeline|core-client)/";
const storageSdk = "^node_modules/@azure/(data-tables|storage-queue|storage-blob)/";
const entryPoints = "^service/(server|main|local)\\.ts$";
/**
 * The OpenTelemetry SDK, its exporters and the Azure distro. `@opentelemetry/api` is not among
 * them: a dependency-free API whose calls are no-ops until an SDK registers, fine outside core/.
 */
const telemetrySdk = [
  "^node_modules/@opentelemetry/(?!api/)[^/]+/",
  "^node_modules/@azure/(monitor-opentelemetry|monitor-opentelemetry-exporter|opentelemetry-instrumentation-azure-sdk|core-tracing)/",
];

/** A rule that fails the check: `from` must not import `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: "error", from, to });

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      "pure-core",
      "core/, config-names.ts and aci/ do no I/O and know no SDK, Hono or other layer: they import only each other, zod, uuid and node:crypto.",
      { path: pure },
      { pathNot: [...pure, "^node_modules/(zod|uuid)/", "^(node:)?crypto$"] },
    ),
    forbid(
      "only-arm-talks-to-arm",
      "Only service/arm/ imports the ARM SDK and its pipeline; ARM failures leave arm/ as domain errors.",
      { pathNot: "^service/arm/" },
      { path: armSdk },
    ),
    forbid(
      "only-store-talks-to-storage",
      "Only service/store/ imports the storage SDKs (tables, queues, blobs).",
      { pathNot: "^service/store/" },
      { path: storageSdk },
    ),
    forbid(
      "only-entry-points-create-credentials",
      "One credential per process, created by an entry point; a port may name the TokenCredential type.",
      { pathNot: entryPoints },
      { path: "^node_modules/@azure/identity/", dependencyTypesNot: ["type-only"] },
    ),
    forbid(
      "only-telemetry-loads-the-sdk",
      "Only service/telemetry/ (and the entry points) import the OpenTelemetry SDK and exporters; the rest records through @opentelemetry/api or the Telemetry interface.",
      { path: "^service/", pathNot: ["^service/telemetry/", entryPoints] },
      { path: telemetrySdk },
    ),
    forbid(
      "http-talks-to-the-run-service",
      "http/ reaches runs/ and core/, never the ARM or store ports, not even their types.",
      { path: "^service/http/" },
      { path: "^service/(arm|store)/" },
    ),
    forbid(
      "only-http-knows-http",
      "The run service and the ports speak domain terms; statuses, headers and Hono stay in http/.",
      { path: "^service/(runs|arm|store)/" },
      { path: ["^service/http/", "^node_modules/(hono|@hono/[^/]+)/"] },
    ),
    forbid(
      "cli-imports-only-service-types",
      "The CLI talks HTTP: from service/ it takes types only.",
      { path: "^cli/" },
      { path: "^service/", dependencyTypesNot: ["type-only"] },
    ),
    forbid(
      "cli-stands-apart",
      "The CLI never imports the emulator or infra.",
      { path: "^cli/" },
      { path: "^(emulator|infra)/" },
    ),
    forbid(
      "emulator-stands-apart",
      "The emulator imitates Azure; it never imports the service, infra or the CLI (aci/ holds what it shares).",
      { path: "^emulator/" },
      { path: "^(service|infra|cli)/" },
    ),
    forbid(
      "infra-imports-only-config-from-service",
      "infra/ checks a stack with the service's own config schema, names, limits and pure rules; nothing that runs.",
      { path: "^infra/" },
      { path: "^service/", pathNot: ["^service/config[^/]*\\.ts$", "^service/core/"] },
    ),
    forbid(
      "no-circular",
      "Modules depend one way.",
      {},
      { circular: true },
    ),
    forbid(
      "resolvable",
      "Every import resolves, so no import escapes the rules above by being unreadable.",
      {},
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Keeps type-only imports in the graph, marked `type-only`, so the rules can tell them apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Resolve packages as Node does for this ESM project.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
