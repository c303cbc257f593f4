import type { QueueClient } from "@azure/storage-queue";

/**
 * Keeps one message in the wake queue while any run is queued or active, and none when idle: an
 * Azure Container Apps `azure-queue` scale rule on this queue then keeps a replica awake exactly
 * while there is work to watch, and lets the app scale to zero otherwise. Writes only on change.
 */
export function createWakeQueue(client: QueueClient): (awake: boolean) => Promise<void> {
  let known: boolean | undefined;
  return async (awake) => {
    if (awake === known) return;
    await client.createIfNotExists();
    const { peekedMessageItems } = await client.peekMessages({ numberOfMessages: 1 });
    const present = peekedMessageItems.length > 0;
    if (awake && !present) await client.sendMessage("work", { messageTimeToLive: -1 });
    if (!awake && present) await client.clearMessages();
    known = awake;
  };
}
