// Errors that belong to OpenTSDB's HTTP layer itself (routing, verbs, versions), not to a domain.

export class OpentsdbHttpError extends Error {
  readonly status: number;
  readonly details: string | undefined;

  constructor(status: number, message: string, details?: string) {
    super(message);
    this.name = 'OpentsdbHttpError';
    this.status = status;
    this.details = details;
  }
}

export function methodNotAllowed(method: string): OpentsdbHttpError {
  return new OpentsdbHttpError(405, 'Method not allowed', `The HTTP method [${method}] is not permitted for this endpoint`);
}
