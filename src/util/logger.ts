/** Where the service's log lines go: standard output and error in production, an array in tests. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
}
