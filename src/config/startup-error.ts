/**
 * A refusal to start. The message says what is wrong and what to do; the
 * exit code tells a supervisor (systemd, docker) not to restart in a loop:
 * 78 for configuration (sysexits' EX_CONFIG), 77 for a key that does not
 * fit the data, 75 for a state that a command must finish first.
 */
export class StartupError extends Error {
  constructor(message: string, readonly exitCode: 75 | 77 | 78 = 78) {
    super(message);
  }
}
