/**
 * The ACI api-version the service reads and re-creates container groups with, the stack deploys
 * the worker groups at and the emulator serves, so no side drops a property another one set.
 */
export const aciApiVersion = "2023-05-01";

/**
 * The ACI api-version that speaks container group profiles, standby pool claims and config maps
 * (stable since 2025-09-01; Azure CLI's recorded claims used 2024-05-01-preview, which the emulator
 * also accepts), and the Microsoft.StandbyPool api-version of pools and their runtime views.
 */
export const aciStandbyApiVersion = "2025-09-01";
export const standbyPoolApiVersion = "2025-03-01";
