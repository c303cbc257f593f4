// Deep enough for an error wrapped a few times; a longer chain is cut rather than followed.
const maxDepth = 4;

/**
 * An error as a log line shows it.
 *
 * An ordinary error (ours, Node's, a library's) keeps its type, message, code, status and stack,
 * and its causes, so an unexpected failure can be traced. Its other properties are left out: they
 * are whatever the thrower attached.
 *
 * An error that carries an HTTP exchange (the Azure SDK's RestError; anything with `request` or
 * `response`) keeps only its type, code and status. The SDK hides `request` and `response` from
 * JSON but sanitizes neither its message nor `details`: the message is the remote's own text (for
 * ARM, one that can quote the definition that was sent), and `details` is the parsed error body.
 */
export function errorFields(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  const known = {
    type: error.name,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(typeof statusCode === "number" ? { statusCode } : {}),
  };
  if (carriesExchange(error)) return known;
  const deeper = depth < maxDepth;
  return {
    ...known,
    message: error.message,
    stack: error.stack,
    ...(deeper && error.cause !== undefined ? { cause: errorFields(error.cause, depth + 1) } : {}),
    ...(deeper && error instanceof AggregateError ? { errors: error.errors.map((inner: unknown) => errorFields(inner, depth + 1)) } : {}),
  };
}

function carriesExchange(error: Error): boolean {
  return error.name === "RestError" || "request" in error || "response" in error;
}
