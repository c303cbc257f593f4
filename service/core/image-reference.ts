/**
 * The grammar of a container image reference, as the registry's distribution/reference package
 * defines it: `[host[:port]/]path[:tag][@algorithm:hex]`, the name at most 255 characters. ACI
 * would refuse anything else only at the PUT, so the service and the stack refuse it at start.
 */
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const reference = new RegExp(`^(${name})(?::${tag})?(?:@${digest})?$`);

const maxNameLength = 255;

export function isImageReference(text: string): boolean {
  const match = reference.exec(text);
  return match !== null && (match[1]?.length ?? Infinity) <= maxNameLength;
}
