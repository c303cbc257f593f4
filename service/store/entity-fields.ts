/**
 * Azure Tables keeps a string property to 64 KiB (32K UTF-16 code units) and an entity to 1 MiB,
 * while a run's env may take up to TRIGGER_MAX_ENV_BYTES. Long JSON is therefore split over
 * numbered properties `<name>0`, `<name>1`, … and joined again on read.
 */
const partLength = 30_000;

export function splitText(name: string, text: string): Record<string, string | number> {
  const parts: Record<string, string | number> = {};
  let count = 0;
  let at = 0;
  do {
    let end = Math.min(at + partLength, text.length);
    // Never split a surrogate pair: each part must be valid UTF-16 on its own.
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text.charAt(end))) end -= 1;
    parts[`${name}${count}`] = text.slice(at, end);
    count += 1;
    at = end;
  } while (at < text.length);
  parts[`${name}Parts`] = count;
  return parts;
}

export function joinText(entity: Record<string, unknown>, name: string): string | undefined {
  const count = entity[`${name}Parts`];
  if (typeof count !== "number") return undefined;
  let text = "";
  for (let i = 0; i < count; i += 1) text += String(entity[`${name}${i}`] ?? "");
  return text;
}
