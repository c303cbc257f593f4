import { configMapRoot } from "../aci/config-map.js";
import { arrayAt, configMapOf, stringAt } from "./wire.js";

/** The files a group's config maps appear as inside its containers: path → content. */
export function configMapFiles(body: unknown): Record<string, string> {
  const files: Record<string, string> = {};
  for (const container of arrayAt(body, "properties", "containers")) {
    const name = stringAt(container, "name") ?? "";
    for (const [key, value] of Object.entries(configMapOf(container))) files[`${configMapRoot}/${name}/${key}`] = value;
  }
  return files;
}
