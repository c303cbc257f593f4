import * as Mappers from "@azure/arm-containerinstance/dist-esm/src/models/mappers.js";
import { createSerializer, type CompositeMapper, type Mapper } from "@azure/core-client";
import { wireDifferences } from "./wire-diff.js";

/**
 * `@azure/arm-containerinstance`'s own models, through `@azure/core-client`'s serializer — the
 * same mappers and serializer the SDK's operations use (9.1.0, generated from the 2023-05-01
 * spec). The package has no export map, so its ESM mappers module is imported by path.
 */
const sdkMappers = Mappers as unknown as Record<string, CompositeMapper>;

/** The SDK's serializer: `serialize` drops read-only properties and throws on a missing required one or a wrong type. */
export const sdkSerializer = createSerializer(sdkMappers, false);

/** The model names the SDK maps, e.g. `ContainerGroup`, `ContainerGroupListResult`, `Logs`, `CloudError`. */
export type SdkModelName = keyof typeof Mappers;

function withoutReadOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutReadOnly);
  if (typeof value !== "object" || value === null || value instanceof RegExp) return value;
  const { readOnly: _readOnly, ...rest } = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, withoutReadOnly(item)]));
}

// The same mappers with nothing read-only, so a deserialized answer can be written back out whole.
const completeMappers = withoutReadOnly(sdkMappers) as Record<string, CompositeMapper>;
const completeSerializer = createSerializer(completeMappers, false);

function mapperOf(mappers: Record<string, CompositeMapper>, name: SdkModelName): Mapper {
  const mapper = mappers[name];
  if (!mapper) throw new Error(`no SDK mapper named ${String(name)}`);
  return mapper;
}

/**
 * An ARM answer as the SDK's model sees it: `model` is what the SDK hands its caller, and `lost`
 * lists every wire path the model does not carry (or carries changed), found by writing the model
 * back to wire JSON with the SDK's own mappers. An empty `lost` means the SDK deserializes the
 * answer without loss.
 */
export function throughSdkModel(name: SdkModelName, wire: unknown): { model: unknown; lost: string[] } {
  const model = sdkSerializer.deserialize(mapperOf(sdkMappers, name), wire, "answer");
  const back: unknown = completeSerializer.serialize(mapperOf(completeMappers, name), model, "answer");
  return { model, lost: wireDifferences(wire, back).map((d) => `${d.path} (${d.kind})`) };
}

/**
 * What the SDK's serializer says about a container group PUT body (wire JSON): an empty list, or
 * its error (a required property missing, a value of the wrong type or outside its enum or
 * constraints), or every property it would not send — read-only ones and ones the 2023-05-01
 * model does not know. The service sends raw JSON, so nothing else checks this for it.
 */
export function sdkPutBodyProblems(body: unknown): string[] {
  const mapper = mapperOf(sdkMappers, "ContainerGroup");
  const model = sdkSerializer.deserialize(mapper, body, "body");
  let sent: unknown;
  try {
    sent = sdkSerializer.serialize(mapper, model, "body");
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  return wireDifferences(body, sent).map((d) => (d.kind === "missing" ? `not sent by the SDK: ${d.path}` : `changed by the SDK: ${d.path} (${d.kind})`));
}
