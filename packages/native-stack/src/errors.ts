export type PartName = 'kafka' | 'schema-registry' | 'postgresql';

/** Any failure of the native stack. */
export class StackError extends Error {
  override name = 'StackError';
}

/** Invalid configuration, e.g. a port override that is not an integer. */
export class StackConfigError extends StackError {
  override name = 'StackConfigError';
}

/** A port we need is held by a process that is not ours. */
export class PortInUseError extends StackError {
  override name = 'PortInUseError';
  readonly part: PartName;
  readonly port: number;
  constructor(part: PartName, port: number) {
    super(
      `${part}: port 127.0.0.1:${port} is already in use by a process that this stack did not start ` +
        `(no live pid file under .run/). Stop that process, or choose another port with the ` +
        `RELOCATE_STACK_*_PORT environment variables.`,
    );
    this.part = part;
    this.port = port;
  }
}

/** A part failed to start or to become ready. The message carries the command and the log tail. */
export class PartStartError extends StackError {
  override name = 'PartStartError';
  readonly part: PartName;
  readonly command: string;
  readonly logTail: string;
  constructor(part: PartName, reason: string, command: string, logFile: string, logTail: string) {
    super(
      `${part} failed to start: ${reason}\n` +
        `command: ${command}\n` +
        `last 20 lines of ${logFile}:\n${logTail || '(log is empty or missing)'}`,
    );
    this.part = part;
    this.command = command;
    this.logTail = logTail;
  }
}

/** A prerequisite tool (java, mvn, tar, pg_ctlcluster) failed. */
export class CommandError extends StackError {
  override name = 'CommandError';
  readonly command: string;
  readonly exitCode: number | null;
  readonly output: string;
  constructor(command: string, exitCode: number | null, output: string) {
    super(`command failed (exit ${exitCode ?? 'signal'}): ${command}\n${output.trim()}`);
    this.command = command;
    this.exitCode = exitCode;
    this.output = output;
  }
}
