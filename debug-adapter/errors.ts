/**
 * Errors that reach the user as DAP error responses: a stable code and a readable message
 * (the ProtocolError pattern of vscode-js-debug). Anything else that escapes a request
 * handler is reported as an internal error with its message.
 */
export const ErrorCodes = {
  internal: 1000,
  invalidArguments: 1001,
  pythonNotFound: 1002,
  programNotFound: 1003,
  cwdNotFound: 1004,
  runtimeStartFailed: 1005,
  notConnected: 1006,
  unsupported: 1007,
  runtimeError: 1008,
  attachFailed: 1009,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ProtocolError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof ProtocolError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProtocolError(ErrorCodes.internal, `Internal error in the Asyncio Lens debug adapter: ${message}`);
}
