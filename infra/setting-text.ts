/** A setting as the service reads it from its env: text, lists comma-separated; undefined stays unset. */
export function settingText(value: number | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "number" ? String(value) : value.join(",");
}
