/**
 * A realistic run-once container group for `npm start` local mode and for tests: a job container
 * with a plain and a secure env var, a log-shipping sidecar, an Azure Files share and a secret
 * volume. The secret values are placeholders; the emulator withholds them from every GET.
 */
export function demoGroup(options: { location?: string; jobContainer?: string; image?: string } = {}): Record<string, unknown> {
  const jobContainer = options.jobContainer ?? "job";
  return {
    location: options.location ?? "westeurope",
    tags: { purpose: "aci-http-trigger-demo" },
    properties: {
      osType: "Linux",
      restartPolicy: "Never",
      sku: "Standard",
      containers: [
        {
          name: jobContainer,
          properties: {
            image: options.image ?? "registry.example/demo/job:1",
            command: ["/bin/sh", "-c", "node /app/job.js"],
            environmentVariables: [
              { name: "JOB_MODE", value: "demo" },
              { name: "API_TOKEN", secureValue: "demo-placeholder-token" },
            ],
            resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
            volumeMounts: [
              { name: "shared", mountPath: "/mnt/shared" },
              { name: "job-secrets", mountPath: "/mnt/secrets", readOnly: true },
            ],
          },
        },
        {
          name: "log-shipper",
          properties: {
            image: "busybox:1.36",
            command: ["/bin/sh", "-c", "tail -F /mnt/shared/job.log"],
            environmentVariables: [{ name: "SHIP_TO", value: "stdout" }],
            resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } },
            volumeMounts: [{ name: "shared", mountPath: "/mnt/shared", readOnly: true }],
          },
        },
      ],
      volumes: [
        { name: "shared", azureFile: { shareName: "jobs", storageAccountName: "demostorage", storageAccountKey: "ZGVtby1wbGFjZWhvbGRlci1rZXk=" } },
        { name: "job-secrets", secret: { "settings.json": Buffer.from('{"mode":"demo"}').toString("base64") } },
      ],
    },
  };
}
