import path from 'node:path';
import type { Config } from '@relocate/config';
import { createLogger, createTerminalLogger, type Logger } from '@relocate/logging';
import { logsDir } from '@relocate/native-stack';
import { stderrNotice } from '@relocate/pipeline';

/** Something that draws on the terminal (the progress bars) and can print a line above itself. */
export interface LineSink { log(line: string): void }

/**
 * How a command speaks. At a terminal (stderr a TTY, no --verbose, no LOG_LEVEL) it speaks to a person: results on
 * stdout, warnings and errors one readable line each on stderr, the full JSON log in a file whose path the command
 * prints. Anywhere else, and for services, JSON logs on stderr, as a log collector expects.
 */
export class Terminal {
  readonly human: boolean;
  /** The JSON log file, when the command is human. */
  logFile: string | undefined;
  private sink: LineSink | undefined;

  constructor(opts: { verbose: boolean; logLevelFromEnv: boolean; isTTY?: boolean }) {
    this.human = (opts.isTTY ?? process.stderr.isTTY === true) && !opts.verbose && !opts.logLevelFromEnv;
  }

  /** A stage host (`relocate run`) is a service: its JSON logs are for a collector, at a terminal too. */
  static forService(): Terminal {
    return new Terminal({ verbose: true, logLevelFromEnv: false });
  }

  /** One line for a person on stderr; above the bars while they show, so they are not scrolled away. */
  notice = (line: string): void => {
    if (this.sink) this.sink.log(`${line}\n`);
    else stderrNotice(line);
  };

  /** While a sink draws (the bars), notices go through it. */
  drawing(sink: LineSink | undefined): void {
    this.sink = sink;
  }

  /**
   * The command's logger. `name` names the log file (.run/logs/relocate-<name>.log, or RELOCATE_LOG_FILE); quiet
   * commands log only warnings to stderr when not human.
   */
  logger(config: Config, name: string, quiet: boolean): Logger {
    if (!this.human) return createLogger('relocate', quiet && !config.logLevelFromEnv ? 'warn' : config.logLevel);
    this.logFile = config.logFile ?? path.join(logsDir, `relocate-${name.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
    return createTerminalLogger('relocate', config.logLevel, this.logFile, this.notice);
  }
}
