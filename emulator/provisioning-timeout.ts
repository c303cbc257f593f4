/**
 * Two properties real 2023-05-01 answers carry although the spec does not list them: every
 * recorded group body shows `provisioningTimeoutInSeconds: 1800` and
 * `isCustomProvisioningTimeout: false`. A PUT that sends them back is refused with
 * `CustomProvisioningTimeoutInSecondsNotSuppported` (ARM's spelling; seen on a GET-then-PUT update,
 * Azure/terraform-provider-azapi#993), so clients must drop them before a re-create.
 */
export const provisioningTimeoutFields = ["provisioningTimeoutInSeconds", "isCustomProvisioningTimeout"] as const;

/** The values ARM shows when the group did not ask for a custom timeout (it cannot, in 2023-05-01). */
export const defaultProvisioningTimeout = { provisioningTimeoutInSeconds: 1800, isCustomProvisioningTimeout: false };

export const customTimeoutRefusedCode = "CustomProvisioningTimeoutInSecondsNotSuppported";
