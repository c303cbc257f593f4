import { arrayAt, clone, isObject, objectAt, type JsonObject } from "./wire.js";

/**
 * What ARM shows of a stored group: never a secret value (FACTS.md §3). Secure env vars keep only
 * their name, registry passwords, storage account keys and protected settings disappear, secret
 * volumes show `{}`, and Log Analytics keeps only its workspaceId.
 */
export function withholdSecrets(body: JsonObject): JsonObject {
  const view = clone(body);
  const properties = objectAt(view, "properties");
  if (!properties) return view;
  for (const list of ["containers", "initContainers"]) {
    for (const container of arrayAt(properties, list)) {
      const containerProperties = objectAt(container, "properties");
      if (!containerProperties) continue;
      containerProperties.environmentVariables = arrayAt(containerProperties, "environmentVariables").map((variable) =>
        isObject(variable) && variable.secureValue !== undefined ? { name: variable.name } : variable,
      );
    }
  }
  for (const credential of arrayAt(properties, "imageRegistryCredentials")) {
    if (isObject(credential)) delete credential.password;
  }
  const logAnalytics = objectAt(properties, "diagnostics", "logAnalytics");
  if (logAnalytics) {
    for (const key of Object.keys(logAnalytics)) if (key !== "workspaceId") delete logAnalytics[key];
  }
  for (const volume of arrayAt(properties, "volumes")) {
    if (!isObject(volume)) continue;
    const azureFile = objectAt(volume, "azureFile");
    if (azureFile) delete azureFile.storageAccountKey;
    if (volume.secret !== undefined) volume.secret = {};
  }
  for (const extension of arrayAt(properties, "extensions")) {
    const extensionProperties = objectAt(extension, "properties");
    if (extensionProperties) delete extensionProperties.protectedSettings;
  }
  return view;
}
