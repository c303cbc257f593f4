import { describe, expect, it } from "vitest";
import { registryName, roleDefinitionGuid, roleName, storageAccountName, uuidV5, workerGroupName } from "../../infra/names.js";

const seed = { project: "aci-http-trigger", stack: "dev", name: "trigger" };
const scope = { subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroupName: "rg" };
const otherSubscription = { ...scope, subscriptionId: "55555555-6666-7777-8888-999999999999" };

describe("uuidV5", () => {
  it("matches RFC 4122 version 5 UUIDs in the URL namespace", () => {
    // Reference values from Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
    expect(uuidV5("http://python.org/")).toBe("4c565f0d-3f5a-5890-b41b-20cf47701c5e");
    expect(uuidV5("aci-http-trigger/aci-http-trigger/dev/trigger/role-definition")).toBe("56341711-844d-50d8-85bf-208dd51acf5d");
  });
});

describe("role definition names", () => {
  it("are the same on every run of one stack and differ between stacks", () => {
    expect(roleDefinitionGuid(seed, scope)).toBe(roleDefinitionGuid({ ...seed }, { ...scope }));
    expect(roleDefinitionGuid(seed, scope)).not.toBe(roleDefinitionGuid({ ...seed, stack: "prod" }, scope));
    expect(roleName(seed, scope)).not.toBe(roleName({ ...seed, stack: "prod" }, scope));
  });

  it("differ for the same stack in two subscriptions or resource groups of one tenant", () => {
    expect(roleDefinitionGuid(seed, otherSubscription)).not.toBe(roleDefinitionGuid(seed, scope));
    expect(roleName(seed, otherSubscription)).not.toBe(roleName(seed, scope));
    expect(roleDefinitionGuid(seed, { ...scope, resourceGroupName: "other" })).not.toBe(roleDefinitionGuid(seed, scope));
    expect(roleName(seed, { ...scope, resourceGroupName: "other" })).not.toBe(roleName(seed, scope));
    expect(roleDefinitionGuid(seed, { ...scope, resourceGroupName: "RG" })).toBe(roleDefinitionGuid(seed, scope));
    expect(roleName(seed, scope)).toBe(
      "ACI HTTP trigger operator (aci-http-trigger/dev/trigger in rg, subscription 00000000-1111-2222-3333-444444444444)",
    );
  });
});

describe("registryName", () => {
  it("is 5–50 lowercase alphanumerics, stable, and differs per subscription and stack", () => {
    const name = registryName(seed, scope);
    expect(name).toMatch(/^[a-z0-9]{5,50}$/);
    expect(registryName(seed, { ...scope, resourceGroupName: "RG" })).toBe(name);
    expect(registryName(seed, otherSubscription)).not.toBe(name);
    expect(registryName({ ...seed, stack: "prod" }, scope)).not.toBe(name);
  });
});

describe("storageAccountName", () => {
  it("is 3–24 lowercase alphanumerics, stable, and differs per subscription, resource group and stack", () => {
    const name = storageAccountName(seed, scope);
    expect(name).toMatch(/^[a-z0-9]{3,24}$/);
    expect(storageAccountName(seed, { ...scope })).toBe(name);
    expect(storageAccountName(seed, otherSubscription)).not.toBe(name);
    expect(storageAccountName(seed, { ...scope, resourceGroupName: "other" })).not.toBe(name);
    expect(storageAccountName({ ...seed, stack: "prod" }, scope)).not.toBe(name);
    expect(storageAccountName(seed, scope)).not.toBe(registryName(seed, scope));
  });
});

describe("workerGroupName", () => {
  it("gives each pool member a stable ACI-valid name that growing the pool never changes", () => {
    const names = [1, 2, 3].map((index) => workerGroupName(seed, index));
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(/^[a-z0-9](?:-?[a-z0-9])*$/);
    expect(names[0]).toMatch(/^trigger-[0-9a-f]{8}-1$/);
    expect(workerGroupName({ ...seed }, 1)).toBe(names[0]);
    expect(workerGroupName({ ...seed, stack: "prod" }, 1)).not.toBe(names[0]);
  });

  it("makes any component name ACI-safe and keeps within 63 characters", () => {
    expect(workerGroupName({ ...seed, name: "My__Trigger.v2" }, 7)).toMatch(/^my-trigger-v2-[0-9a-f]{8}-7$/);
    expect(workerGroupName({ ...seed, name: "x".repeat(80) }, 50).length).toBeLessThanOrEqual(63);
    expect(workerGroupName({ ...seed, name: "--" }, 1)).toMatch(/^trigger-[0-9a-f]{8}-1$/);
  });
});
