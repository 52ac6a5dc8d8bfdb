/**
 * A SIGHUP before main.ts has its own handler (the configuration, render pool
 * and store come first: about a tenth of a second, longer on a busy host)
 * ended the process without a word: Node's default. A deploy script or
 * systemd's `ExecReload` that sends one right after a start killed the
 * service. The first thing dist/main.js evaluates (launch.ts) notes it here
 * instead; main.ts takes it over (takeEarlySighup) and rescans once the
 * articles are loaded, as for one that comes later in the start.
 */
let seen = false
const note = (): void => {
  seen = true
}
process.on('SIGHUP', note)

/** Whether a SIGHUP came before this was asked; from now on the caller's own handler hears them. */
export function takeEarlySighup(): boolean {
  process.off('SIGHUP', note)
  return seen
}
