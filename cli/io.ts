/** What the CLI touches outside itself, passed in so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** Exit statuses: 0 ok, 2 bad input (the user's to fix), 1 internal error (ours). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/** Bad input found by the shell itself (unreadable file, bad option value): exit 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
