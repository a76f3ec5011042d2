// Domain errors: a stable code, a kind that each API dialect maps to its own status and envelope.

/** What went wrong, independent of any wire protocol. Dialects map kinds to statuses. */
export type ErrorKind =
  | 'invalid' // the request or its content is malformed (400)
  | 'unauthorized' // no or bad credentials (401)
  | 'forbidden' // authenticated but not allowed (403)
  | 'not_found' // the addressed object does not exist (404)
  | 'conflict' // the object exists already or is in the wrong state (409 / dialect-specific)
  | 'too_large' // a request body or result exceeds a configured limit (413)
  | 'unavailable' // temporarily cannot serve: overloaded or shutting down (503)
  | 'internal'; // a bug or an I/O failure (500)

/**
 * An error the domain raises on purpose. `code` is stable (tests assert it), `message` is the
 * text clients see, already in the wording of the dialect that owns the concept.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: unknown;

  constructor(code: string, kind: ErrorKind, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.kind = kind;
    this.details = details;
  }
}

/** Every code declared so far, with its kind: the catalogue as loaded. */
const CATALOGUE = new Map<string, ErrorKind>();

/**
 * Declares one catalogue entry: a factory that builds the error from typed arguments.
 * `defineError('E_TASK_NOT_FOUND', 'not_found', () => 'no task exists')`. Declaring a code twice
 * throws when the second module loads, so codes stay unique across the project.
 */
export function defineError<Args extends unknown[]>(
  code: string,
  kind: ErrorKind,
  message: (...args: Args) => string,
): ((...args: Args) => DomainError) & { readonly code: string } {
  if (CATALOGUE.has(code)) throw new Error(`error code ${code} is declared twice`);
  CATALOGUE.set(code, kind);
  const factory = (...args: Args) => new DomainError(code, kind, message(...args));
  return Object.assign(factory, { code });
}

/** The declared codes and their kinds, in declaration order. */
export function errorCatalogue(): ReadonlyMap<string, ErrorKind> {
  return CATALOGUE;
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/** The HTTP status that most dialects use for a kind; a dialect may override per code. */
export function statusOfKind(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}
