/**
 * The ACI api-version the service reads and re-creates container groups with, the stack deploys
 * the worker groups at and the emulator serves, so no side drops a property another one set.
 */
export const aciApiVersion = "2023-05-01";
