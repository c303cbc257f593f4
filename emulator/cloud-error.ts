/** One HTTP answer of the emulator, before it is written to the socket. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An ARM CloudError answer: `{"error":{"code","message"}}`. */
export function cloudError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export function notFound(resourceGroup: string, name: string): Reply {
  return cloudError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.ContainerInstance/containerGroups/${name}' under resource group '${resourceGroup}' was not found.`,
  );
}

export function transitioningMessage(name: string): string {
  return `The container group '${name}' is still transitioning, please retry later.`;
}

export function transitioning(name: string): Reply {
  return cloudError(409, "ContainerGroupTransitioning", transitioningMessage(name));
}
