/**
 * What a bench run starts and makes: its servers and programs, and its
 * temporary folders. However the run ends (done, failed, Ctrl-C, SIGTERM),
 * the processes are stopped and the folders removed: a run that was stopped
 * left the service, both bare servers and a copy of the corpus (about 200 MB
 * at 50,000 articles) behind, the servers holding their ports for good.
 */
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const children = new Set<ChildProcess>()
/** Those that lead a process group of their own: the group is stopped. */
const groups = new WeakSet<ChildProcess>()
const folders = new Set<string>()

/** `child`, stopped (SIGTERM; its process group, if it leads one) when the run ends before it does. */
export function owned<T extends ChildProcess>(child: T, group = false): T {
  watchEnd()
  children.add(child)
  child.once('exit', () => children.delete(child))
  if (group) groups.add(child)
  return child
}

/** A new folder under the system's temporary folder, removed when the run ends if removeFolder has not removed it. */
export function tempFolder(prefix: string): string {
  watchEnd()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  folders.add(dir)
  return dir
}

export function removeFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
  folders.delete(dir)
}

/**
 * Stops every process the run started and waits for each to exit (a service that is told to stop writes its index
 * snapshot into a folder of the run, and made that folder again after it was removed), at most 10 s, then removes
 * the folders.
 */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
          child.once('exit', () => {
            clearTimeout(killer)
            resolve()
          })
          stop(child)
        }),
    ),
  )
  for (const dir of folders) removeFolder(dir)
}

function stop(child: ChildProcess): void {
  try {
    if (groups.has(child) && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM')
    else child.kill('SIGTERM')
  } catch {
    // Gone meanwhile.
  }
}

/** The last resort, at the exit itself (nothing can be waited for there): what stopAll did not get to. */
function cleanUp(): void {
  for (const child of children) stop(child)
  for (const dir of folders) removeFolder(dir)
}

let stopping = false
/** Whether the run was told to stop (SIGINT, SIGTERM): what would start more work waits for the exit instead. */
export const stopRequested = (): boolean => stopping

let watching = false
/** From the first process or folder on (not when a test imports a bench module): the end of the run cleans up. */
function watchEnd(): void {
  if (watching) return
  watching = true
  process.once('exit', cleanUp)
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping what it started`)
      stopping = true
      void stopAll().finally(() => process.exit(code))
    })
  }
}

/**
 * Waits until `url` answers 200 and `child` has said `marker` on its stdout
 * (piped): the service's `serving `, bare-server.mjs's `ready`, each printed
 * once it listens. A 200 alone could come from another server on the port
 * (freePort gives a port that is free when asked, not when the child binds
 * it): the child then failed to listen and the run measured someone else.
 * Throws when the child exits first.
 */
export async function untilServing(child: ChildProcess, url: string, marker: string, what: string): Promise<void> {
  let said = ''
  let listening = false
  // Read to the end, so that a child that logs much (edits) never blocks on a full pipe.
  child.stdout?.on('data', (chunk: Buffer) => {
    if (listening) return
    said = (said + chunk.toString()).slice(-4096)
    listening = said.includes(marker)
  })
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it served ${url}`)
    if (listening && (await fetch(url).then((response) => response.ok, () => false))) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
