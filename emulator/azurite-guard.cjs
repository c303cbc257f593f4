// Runs Azurite in this process and ends it when stdin closes. The process that started it holds
// the other end of that pipe, so however that process ends (a SIGKILL included), Azurite goes too.
"use strict";
const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...args];
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
// Watching stdin must not keep Azurite alive once its own shutdown closed its servers.
process.stdin.unref();
require(entry);
