/**
 * A part of the service that can say why the service is not healthy: live
 * updates (the folder, reloads, rescans, the watch), and whatever joins them
 * (CDN purges). `/healthz` answers `ok` only while every check has nothing
 * to say (http/app.ts).
 */
export interface HealthCheck {
  /** Why this part does not work as it should now, one line each in the log's words; empty while it does. */
  problems(): readonly string[]
}

/** Every check's problems, in the order the checks were given. */
export function healthReasons(checks: readonly HealthCheck[]): string[] {
  return checks.flatMap((check) => check.problems())
}
