import { isRestError, type PipelinePolicy, type PipelineRequest } from "@azure/core-rest-pipeline";
import type { ArmOperation } from "./arm-errors.js";

/** Told of every try of an ARM call and its HTTP status (0: no answer), 429s and retries included. */
export type ArmTryObserver = (operation: ArmOperation, status: number) => void;

function operationOf(request: PipelineRequest): ArmOperation {
  const path = new URL(request.url).pathname;
  if (request.method === "PUT") return "put";
  if (request.method === "DELETE") return "delete";
  if (path.endsWith("/stop")) return "stop";
  if (path.endsWith("/logs")) return "logs";
  return "read";
}

/** A policy placed after the retry policy, so that it sees each try, not each call. */
export function armCallPolicy(observe: ArmTryObserver): PipelinePolicy {
  return {
    name: "armCallObserver",
    async sendRequest(request, next) {
      const operation = operationOf(request);
      try {
        const response = await next(request);
        observe(operation, response.status);
        return response;
      } catch (error) {
        observe(operation, isRestError(error) ? (error.statusCode ?? 0) : 0);
        throw error;
      }
    },
  };
}
