import { existsSync } from "node:fs";

export const chromiumInstallHint = "install Debian's Chromium (`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary";

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's. Undefined when neither is
 * there; under CI=true that is a failure (.ci/run installs it), elsewhere the tests skip.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env["CHROMIUM_PATH"], "/usr/bin/chromium"].filter((path): path is string => Boolean(path));
  return candidates.find((path) => existsSync(path));
}

export const requireChromium = process.env["CI"] === "true";
