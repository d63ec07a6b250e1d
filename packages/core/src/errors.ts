/**
 * Every failure a user can cause (bad file, bad config, missing data) is an AugpriorError with a
 * stable code, so the CLI can print it without a stack trace and tests can match on the code.
 */
export class AugpriorError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, hint?: string) {
    super(hint ? `${message}\n  hint: ${hint}` : message);
    this.name = 'AugpriorError';
    this.code = code;
    this.hint = hint;
  }
}

export function isAugpriorError(error: unknown): error is AugpriorError {
  return error instanceof AugpriorError;
}
