import type { Emulator } from "../../emulator/index.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "./emulator.js";
import { startServiceProcess, type ServiceProcess } from "./service-process.js";
import { triggerEnv } from "./trigger-env.js";

/** The container group (and its one container) every end-to-end file triggers. */
export const jobName = "job";

export interface TriggerOptions {
  apiKey: string;
  /** When set, the job also holds `DB_PASSWORD` as this secure value, and the services can restore it. */
  securePassword?: string;
  /** One service process per entry, each with these env overrides; default one with none. */
  services?: Array<Record<string, string>>;
  /** A pool of this many groups (`job-1`, `job-2`, …) instead of the one group `job`. */
  pool?: number;
}

export interface Trigger {
  emulator: Emulator;
  services: ServiceProcess[];
  /** The env the services were started with, before each one's overrides. */
  env: Record<string, string>;
  /** The container groups of the pool. */
  groups: string[];
  close(): Promise<void>;
}

/**
 * An emulator holding the finished run-once job group (plain `BASE=1`, plus the secure
 * `DB_PASSWORD` when asked), and the bundle running against it once per entry of `services`.
 */
export async function startTrigger(options: TriggerOptions): Promise<Trigger> {
  const emulator = await startTestEmulator();
  const secure = options.securePassword === undefined ? [] : [{ name: "DB_PASSWORD", secureValue: options.securePassword }];
  const groups = options.pool === undefined ? [jobName] : Array.from({ length: options.pool }, (_, i) => `${jobName}-${i + 1}`);
  for (const group of groups) {
    emulator.putGroup(testSubscriptionId, testResourceGroup, group, jobGroup([{ name: "BASE", value: "1" }, ...secure]), { terminated: true });
  }
  const env = triggerEnv(emulator, jobName, {
    ...(options.pool === undefined ? {} : { ACI_CONTAINER_GROUP: "", ACI_CONTAINER_GROUPS: groups.join(",") }),
    TRIGGER_API_KEYS: options.apiKey,
    ...(options.securePassword === undefined ? {} : { ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: options.securePassword } } }) }),
  });
  const services = await Promise.all((options.services ?? [{}]).map((overrides) => startServiceProcess({ ...env, ...overrides })));
  return {
    emulator,
    services,
    env,
    groups,
    close: async () => {
      await Promise.all(services.map((service) => service.stop()));
      await emulator.close();
    },
  };
}
