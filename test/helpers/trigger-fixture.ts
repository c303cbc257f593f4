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
}

export interface Trigger {
  emulator: Emulator;
  services: ServiceProcess[];
  /** The env the services were started with, before each one's overrides. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An emulator holding the finished run-once job group (plain `BASE=1`, plus the secure
 * `DB_PASSWORD` when asked), and the bundle running against it once per entry of `services`.
 */
export async function startTrigger(options: TriggerOptions): Promise<Trigger> {
  const emulator = await startTestEmulator();
  const secure = options.securePassword === undefined ? [] : [{ name: "DB_PASSWORD", secureValue: options.securePassword }];
  emulator.putGroup(testSubscriptionId, testResourceGroup, jobName, jobGroup([{ name: "BASE", value: "1" }, ...secure]), { terminated: true });
  const env = triggerEnv(emulator, jobName, {
    TRIGGER_API_KEYS: options.apiKey,
    ...(options.securePassword === undefined ? {} : { ACI_SECRETS: JSON.stringify({ env: { [jobName]: { DB_PASSWORD: options.securePassword } } }) }),
  });
  const services = await Promise.all((options.services ?? [{}]).map((overrides) => startServiceProcess({ ...env, ...overrides })));
  return {
    emulator,
    services,
    env,
    close: async () => {
      await Promise.all(services.map((service) => service.stop()));
      await emulator.close();
    },
  };
}
