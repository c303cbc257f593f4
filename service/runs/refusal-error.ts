import type { RecreateRefusal } from "../core/recreate-body.js";
import { ServiceError } from "../core/service-error.js";
import { describeMissingSecret } from "../core/secrets.js";

/** The caller-facing error for a definition the service will not build. */
export function refusalError(refusal: RecreateRefusal): ServiceError {
  switch (refusal.code) {
    case "SecretNotConfigured": {
      const missing = refusal.missing.map(describeMissingSecret);
      return new ServiceError("SecretNotConfigured", `The service cannot restore the group's secrets: ${missing.join("; ")}.`, {
        details: { missing },
      });
    }
    case "SecureVariableOverride":
      return new ServiceError("SecureVariableOverride", `These variables are secure values of the group and cannot be set per run: ${refusal.names.join(", ")}.`, {
        details: { names: refusal.names },
      });
    case "ContainerNotFound":
      return new ServiceError("ContainerNotFound", `The configured container "${refusal.container}" is not in the container group.`);
    case "TooManyTags":
      return new ServiceError("TooManyTags", "The container group has too many tags to record the run (ARM allows 50).");
  }
}
