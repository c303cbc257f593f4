/**
 * The container group as it travels on the wire (ARM api-version 2023-05-01), not the SDK's
 * camelCase model: the service reads and re-sends the raw JSON so that no property the SDK's
 * mappers do not know about is lost on the way through a re-create.
 *
 * Only the fields the service reasons about are typed; every object keeps an index signature so
 * that anything else ARM returns survives untouched.
 */
export interface WireEnvironmentVariable {
  name: string;
  value?: string;
  secureValue?: string;
}

export interface WireContainerState {
  state?: string;
  startTime?: string;
  exitCode?: number;
  finishTime?: string;
  detailStatus?: string;
}

export interface WireEvent {
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  name?: string;
  message?: string;
  type?: string;
}

export interface WireContainer {
  name: string;
  properties: {
    image: string;
    command?: string[];
    environmentVariables?: WireEnvironmentVariable[];
    /** Required by ARM for containers; init containers have none. */
    resources?: { requests: { cpu: number; memoryInGB: number; [k: string]: unknown }; [k: string]: unknown };
    instanceView?: {
      restartCount?: number;
      currentState?: WireContainerState;
      previousState?: WireContainerState;
      events?: WireEvent[];
    };
    [k: string]: unknown;
  };
}

export interface WireImageRegistryCredential {
  server: string;
  username?: string;
  password?: string;
  identity?: string;
  identityUrl?: string;
  [k: string]: unknown;
}

export interface WireVolume {
  name: string;
  azureFile?: { shareName: string; storageAccountName: string; storageAccountKey?: string; readOnly?: boolean };
  emptyDir?: Record<string, unknown>;
  secret?: Record<string, string>;
  gitRepo?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface WireExtension {
  name: string;
  properties: {
    extensionType: string;
    version: string;
    settings?: unknown;
    protectedSettings?: unknown;
    [k: string]: unknown;
  };
}

export interface WireContainerGroup {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, string>;
  zones?: string[];
  identity?: Record<string, unknown>;
  properties: {
    provisioningState?: string;
    containers: WireContainer[];
    initContainers?: WireContainer[];
    imageRegistryCredentials?: WireImageRegistryCredential[];
    restartPolicy?: "Always" | "OnFailure" | "Never";
    osType: "Windows" | "Linux";
    volumes?: WireVolume[];
    diagnostics?: {
      logAnalytics?: {
        workspaceId: string;
        workspaceKey?: string;
        workspaceResourceId?: string;
        logType?: string;
        metadata?: Record<string, string>;
      };
    };
    extensions?: WireExtension[];
    instanceView?: { events?: WireEvent[]; state?: string };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
