import { describe, expect, it } from "vitest";
import { registryName, roleDefinitionGuid, roleName, uuidV5 } from "../../infra/names.js";

const seed = { project: "aci-http-trigger", stack: "dev", name: "trigger" };

describe("uuidV5", () => {
  it("matches RFC 4122 version 5 UUIDs in the URL namespace", () => {
    // Reference values from Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
    expect(uuidV5("http://python.org/")).toBe("4c565f0d-3f5a-5890-b41b-20cf47701c5e");
    expect(uuidV5("aci-http-trigger/aci-http-trigger/dev/trigger/role-definition")).toBe("56341711-844d-50d8-85bf-208dd51acf5d");
  });
});

describe("role definition names", () => {
  it("are the same on every run of one stack and differ between stacks", () => {
    expect(roleDefinitionGuid(seed)).toBe(roleDefinitionGuid({ ...seed }));
    expect(roleDefinitionGuid(seed)).not.toBe(roleDefinitionGuid({ ...seed, stack: "prod" }));
    expect(roleName(seed)).not.toBe(roleName({ ...seed, stack: "prod" }));
    expect(roleName(seed)).toBe("ACI HTTP trigger operator (aci-http-trigger/dev/trigger)");
  });
});

describe("registryName", () => {
  it("is 5–50 lowercase alphanumerics, stable, and differs per subscription and stack", () => {
    const name = registryName(seed, "sub-a", "rg");
    expect(name).toMatch(/^[a-z0-9]{5,50}$/);
    expect(registryName(seed, "sub-a", "RG")).toBe(name);
    expect(registryName(seed, "sub-b", "rg")).not.toBe(name);
    expect(registryName({ ...seed, stack: "prod" }, "sub-a", "rg")).not.toBe(name);
  });
});
