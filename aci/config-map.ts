/**
 * Where ACI mounts a Linux container's config map: one file per key under
 * `/mnt/configmap/<container>/` (standby facts §6); the launcher reads the run's env there.
 */
export const configMapRoot = "/mnt/configmap";

/**
 * The command prefix of the launcher a standby job runs under: it waits for the config map's
 * files, exports each pair as an env var and execs the job. The emulator imitates it for a
 * container whose command starts with these words.
 */
export const launcherCommand = ["/bin/sh", "/aci-trigger/launch"] as const;
