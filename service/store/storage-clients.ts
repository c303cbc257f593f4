import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";
import type { Config } from "../config.js";
import { storageNames } from "../config-names.js";
import { createBlobLogArchive } from "./blob-log-archive.js";
import type { LogArchive } from "./log-archive.js";
import type { RunStore } from "./run-store.js";
import { createTableRunStore } from "./table-run-store.js";
import { createWakeQueue } from "./wake-queue.js";

export interface Storage {
  store: RunStore;
  /** Keeps the wake queue non-empty exactly while there is work (see `createWakeQueue`). */
  setAwake: (awake: boolean) => Promise<void>;
  /** The runs' log archive, in the account's log container. */
  archive: LogArchive;
}

// A log copy is retried by the next one: a blob call fails fast rather than hold up a copy.
const blobOptions: StoragePipelineOptions = { retryOptions: { maxTries: 3, tryTimeoutInMs: 10_000, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 } };

/**
 * The run store, the wake queue and the log archive over one storage account: a connection string (Azurite, or
 * shared keys), else the account through the process's one credential. Only store/ knows the
 * storage SDKs; entry points hand it the settings and the credential.
 */
export function connectStorage(settings: Pick<Config, "storage" | "storagePartition">, credential: TokenCredential): Storage {
  const { table, queue, logs } = storageClients(settings.storage, credential);
  return {
    store: createTableRunStore({ client: table, partition: settings.storagePartition }),
    setAwake: createWakeQueue(queue),
    archive: createBlobLogArchive(logs, settings.storagePartition),
  };
}

function storageClients(storage: Config["storage"], credential: TokenCredential): { table: TableClient; queue: QueueClient; logs: ContainerClient } {
  if (storage.kind === "connectionString") {
    const { connectionString } = storage;
    // Azurite listens on plain http on loopback; the SDK refuses shared keys over http unless told.
    const insecure = /(?:^|;)\s*(?:DefaultEndpointsProtocol\s*=\s*http|TableEndpoint\s*=\s*http:)(?:;|$|\/)/i.test(connectionString);
    return {
      table: TableClient.fromConnectionString(connectionString, storageNames.runsTable, { allowInsecureConnection: insecure }),
      queue: new QueueClient(connectionString, storageNames.wakeQueue),
      logs: BlobServiceClient.fromConnectionString(connectionString, blobOptions).getContainerClient(storageNames.logContainer),
    };
  }
  const { account } = storage;
  return {
    table: new TableClient(`https://${account}.table.core.windows.net`, storageNames.runsTable, credential),
    queue: new QueueClient(`https://${account}.queue.core.windows.net/${storageNames.wakeQueue}`, credential),
    logs: new BlobServiceClient(`https://${account}.blob.core.windows.net`, credential, blobOptions).getContainerClient(storageNames.logContainer),
  };
}
