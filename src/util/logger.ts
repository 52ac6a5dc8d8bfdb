/**
 * Values a log line carries besides its message, for `LOG_FORMAT=json`
 * (an article problem's `file`, `field` and `problem`; a WebSub attempt's
 * `target` and `attempt`). The text format shows the message only, so the
 * message must say everything on its own.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined | Error | readonly unknown[]>>

/** Where the service's log lines go: standard output and error in production, an array in tests. */
export interface Logger {
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  /** A fault of the service itself (a request that failed on the server's side); loggers without it are given warn. */
  error?(message: string, fields?: LogFields): void
}
