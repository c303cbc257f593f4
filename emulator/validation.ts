import { aciApiVersion } from "../aci/api-version.js";
import { envNamePattern } from "../aci/env-name.js";
import { cloudError, type Reply } from "./cloud-error.js";
import { customTimeoutRefusedCode, provisioningTimeoutFields } from "./provisioning-timeout.js";
import { arrayAt, isObject, objectAt, restartPolicyOf, stringAt, type JsonObject } from "./wire.js";

/**
 * The checks ARM and ACI make on a PUT body before accepting it, with their error codes and,
 * where known, their exact messages (FACTS.md §5, §7). `InaccessibleImage` is really an image
 * pull failure after the PUT was accepted; the emulator answers it as a 400 at once.
 */
export function validateGroup(body: unknown, name: string): Reply | undefined {
  if (!isObject(body)) return invalidContent("The request content was invalid and could not be deserialized.");
  if (typeof body.location !== "string" || body.location === "") {
    return cloudError(400, "LocationRequired", "The location property is required for this definition.");
  }
  const properties = objectAt(body, "properties");
  if (!properties) return missing("properties", "");
  if (!Array.isArray(properties.containers) || properties.containers.length === 0) return missing("containers", "properties");
  if (properties.osType === undefined) return missing("osType", "properties");
  if (properties.osType !== "Linux" && properties.osType !== "Windows") {
    return cloudError(400, "InvalidOsType", `The 'osType' of container group '${name}' is invalid. The value must be one of 'Windows,Linux'.`);
  }
  const timeoutField = provisioningTimeoutFields.find((field) => properties[field] !== undefined);
  if (timeoutField) {
    // ARM's code is known (azapi#993); its message is not, so this text is the emulator's own.
    return cloudError(400, customTimeoutRefusedCode, `The property '${timeoutField}' of container group '${name}' is not supported in api-version ${aciApiVersion}; remove it from the request.`);
  }
  for (const list of ["containers", "initContainers"] as const) {
    for (const container of arrayAt(properties, list)) {
      const problem = validateContainer(container, name, list === "containers");
      if (problem) return problem;
    }
  }
  return validateCredentials(properties, name) ?? validateDiagnostics(properties) ?? validateVolumes(properties, name);
}

/** A PUT on an existing group may not change what ACI cannot update in place (FACTS.md §7). */
export function validateUpdate(stored: unknown, body: unknown, name: string): Reply | undefined {
  const message =
    `The updates on container group '${name}' are invalid. If you are going to update the os type, restart policy, ` +
    `network profile, CPU, memory or GPU resources for a container group, you must delete it first and then create a new one.`;
  const invalid = cloudError(400, "InvalidContainerGroupUpdate", message);
  if (stringAt(stored, "properties", "osType") !== stringAt(body, "properties", "osType")) return invalid;
  if (restartPolicyOf(stored) !== restartPolicyOf(body)) return invalid;
  const before = new Map(arrayAt(stored, "properties", "containers").map((c) => [stringAt(c, "name"), objectAt(c, "properties", "resources")]));
  for (const container of arrayAt(body, "properties", "containers")) {
    const key = stringAt(container, "name");
    if (!before.has(key)) continue;
    const old = before.get(key);
    const next = objectAt(container, "properties", "resources");
    for (const field of ["cpu", "memoryInGB"]) {
      if (objectAt(old, "requests")?.[field] !== objectAt(next, "requests")?.[field]) return invalid;
    }
    if (JSON.stringify(objectAt(old, "requests", "gpu") ?? null) !== JSON.stringify(objectAt(next, "requests", "gpu") ?? null)) return invalid;
  }
  return undefined;
}

function validateContainer(container: unknown, group: string, main: boolean): Reply | undefined {
  const path = main ? "properties.containers[]" : "properties.initContainers[]";
  if (!isObject(container) || typeof container.name !== "string") return missing("name", path);
  const properties = objectAt(container, "properties");
  if (!properties) return missing("properties", path);
  if (typeof properties.image !== "string" || properties.image === "") return missing("image", `${path}.properties`);
  if (main) {
    const requests = objectAt(properties, "resources", "requests");
    if (typeof requests?.cpu !== "number" || typeof requests?.memoryInGB !== "number") {
      return cloudError(
        400,
        "ResourceRequestsNotSpecified",
        `The resource requests of container '${container.name}' in container group '${group}' are not specified. Both memory and CPU requests are required.`,
      );
    }
  }
  for (const variable of arrayAt(properties, "environmentVariables")) {
    const problem = validateEnvVar(variable, container.name, group);
    if (problem) return problem;
  }
  return undefined;
}

function validateEnvVar(variable: unknown, container: string, group: string): Reply | undefined {
  const name = stringAt(variable, "name");
  if (name === undefined || !envNamePattern.test(name)) {
    return cloudError(
      400,
      "InvalidEnvironmentVariable",
      `The environment variable name in container '${container}' of container group '${group}' is invalid. A valid environment variable name must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name', or 'MY_NAME', or 'MyName').`,
    );
  }
  const hasValue = isObject(variable) && typeof variable.value === "string";
  const hasSecure = isObject(variable) && typeof variable.secureValue === "string";
  if (hasValue === hasSecure) {
    return cloudError(
      400,
      "InvalidEnvironmentVariable",
      `The environment variable '${name}' in container '${container}' of container group '${group}' is invalid. One and only one property of 'value' and 'secureValue' can be specified in an environment variable.`,
    );
  }
  return undefined;
}

function validateCredentials(properties: JsonObject, group: string): Reply | undefined {
  for (const credential of arrayAt(properties, "imageRegistryCredentials")) {
    const server = stringAt(credential, "server");
    if (server === undefined) return missing("server", "properties.imageRegistryCredentials[]");
    if (stringAt(credential, "username") !== undefined && stringAt(credential, "password") === undefined && stringAt(credential, "identity") === undefined) {
      const images = arrayAt(properties, "containers").map((c) => stringAt(c, "properties", "image") ?? "");
      const image = images.find((i) => i.toLowerCase().startsWith(`${server.toLowerCase()}/`)) ?? images[0] ?? "";
      return cloudError(
        400,
        "InaccessibleImage",
        `The image '${image}' in container group '${group}' is not accessible. Please check the image and registry credential.`,
      );
    }
  }
  return undefined;
}

function validateDiagnostics(properties: JsonObject): Reply | undefined {
  const logAnalytics = objectAt(properties, "diagnostics", "logAnalytics");
  if (!logAnalytics) return undefined;
  if (typeof logAnalytics.workspaceId !== "string") return missing("workspaceId", "properties.diagnostics.logAnalytics");
  if (typeof logAnalytics.workspaceKey !== "string") return missing("workspaceKey", "properties.diagnostics.logAnalytics");
  return undefined;
}

function validateVolumes(properties: JsonObject, group: string): Reply | undefined {
  for (const volume of arrayAt(properties, "volumes")) {
    const azureFile = objectAt(volume, "azureFile");
    if (azureFile && typeof azureFile.storageAccountKey !== "string") {
      return cloudError(
        400,
        "InvalidStorageAccountKey",
        `The storage account key of Azure File volume '${stringAt(volume, "name") ?? ""}' in container group '${group}' is missing. It is required to mount the share.`,
      );
    }
  }
  return undefined;
}

function missing(property: string, path: string): Reply {
  return invalidContent(`The request content was invalid and could not be deserialized: 'Required property '${property}' not found in JSON. Path '${path}'.'.`);
}

function invalidContent(message: string): Reply {
  return cloudError(400, "InvalidRequestContent", message);
}
