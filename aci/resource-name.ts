/**
 * ACI's rule for container group and container names: 1 to 63 lowercase letters, digits and
 * single hyphens, neither starting nor ending with a hyphen.
 */
export const aciNamePattern = /^(?=.{1,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
