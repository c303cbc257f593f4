/**
 * The ACI api-version the service reads and re-creates container groups with. The Pulumi program
 * deploys the worker groups at this same version, so neither side drops a property the other set.
 */
export const aciApiVersion = "2023-05-01";
