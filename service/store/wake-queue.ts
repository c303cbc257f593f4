import type { QueueClient } from "@azure/storage-queue";

/**
 * Keeps one message in the wake queue while any run is queued or active, and none when idle: an
 * Azure Container Apps `azure-queue` scale rule on this queue then keeps a replica awake exactly
 * while there is work to watch, and lets the app scale to zero otherwise.
 *
 * Any replica may clear the queue, so "awake" is never taken from this process's memory: each
 * awake pass looks (one peek) and puts the message back if another replica cleared it on a view
 * older than this one's. Only "idle" is remembered, so an idle replica costs no request.
 */
export function createWakeQueue(client: QueueClient): (awake: boolean) => Promise<void> {
  let idle = false;
  let created = false;
  return async (awake) => {
    if (!awake && idle) return;
    if (!created) await client.createIfNotExists();
    created = true;
    const { peekedMessageItems } = await client.peekMessages({ numberOfMessages: 1 });
    const present = peekedMessageItems.length > 0;
    if (awake && !present) await client.sendMessage("work", { messageTimeToLive: -1 });
    if (!awake && present) await client.clearMessages();
    idle = !awake;
  };
}
