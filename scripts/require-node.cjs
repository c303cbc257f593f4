"use strict";
// Runs before the npm scripts that execute the project. CommonJS and plain syntax on purpose: it
// must itself run on any Node.js, so an older one gets a sentence instead of a stack trace.
const { engines } = require("../package.json");

const match = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(engines.node);
if (!match) throw new Error(`package.json engines.node must read ">=X.Y.Z", not "${engines.node}"`);
const wanted = match.slice(1).map(Number);
const actual = process.versions.node.split(".").map(Number);

function older(a, b) {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

if (older(actual, wanted)) {
  process.stderr.write(
    `aci-http-trigger needs Node.js ${wanted.join(".")} or later, but this is Node.js ${process.versions.node}: ` +
      "`npm ci` brings Node.js 24 along on Linux (x64, arm64), macOS (x64) and Windows (x64) unless optional " +
      "dependencies are omitted; elsewhere, install Node.js 24 LTS from https://nodejs.org and run the command again.\n",
  );
  process.exit(1);
}
