import { describe, expect, it } from "vitest";
import { isImageReference } from "../../service/core/image-reference.js";

const digest = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("isImageReference", () => {
  it.each([
    "python",
    "python:3.13-slim",
    "library/python:3.13",
    "docker.io/library/python:3.13",
    "registry.example/jobs/report:1.4",
    "registry.example:5000/jobs/report",
    "localhost:5000/report:latest",
    "[::1]:5000/report:1",
    "mcr.microsoft.com/azuredocs/aci-helloworld",
    "my_registry.azurecr.io/team__jobs/report-v2:v2.0_rc.1",
    `registry.example/jobs/report@${digest}`,
    `registry.example/jobs/report:1.4@${digest}`,
  ])("takes %s", (reference) => {
    expect(isImageReference(reference)).toBe(true);
  });

  it.each([
    "",
    "Python",
    "jobs/Report:1.4",
    "jobs/report 1.4",
    " python",
    "python:",
    "python:-1",
    `python:${"t".repeat(129)}`,
    "registry.example/jobs//report",
    "registry.example/jobs/report/",
    "-registry.example/report",
    "report@sha256:short",
    "https://registry.example/report",
    `registry.example/${"a".repeat(240)}`,
  ])("refuses %j", (reference) => {
    expect(isImageReference(reference)).toBe(false);
  });
});
