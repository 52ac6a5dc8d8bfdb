import { spawnSync } from 'node:child_process'
import path from 'node:path'

const ROOT = path.join(import.meta.dirname, '../..')

/**
 * Runs `script` (an ES module, importing the project's sources as `./src/….ts`) in a node process of its own with
 * `gc` exposed, and gives what it printed last as JSON. The script may call `settled()`: the heap in use after
 * collections, once the turns that free garbage have run. Memory is measured so: in a test worker shared with other
 * files, a collection of their garbage inside the window skews it. Throws with the script's stderr if it wrote any.
 */
export function measuredInOwnProcess<T>(script: string): T {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', `${SETTLED}\n${script}`], { cwd: ROOT, encoding: 'utf8' })
  if (run.stderr !== '' || run.status !== 0) throw new Error(`the script failed (${run.status}):\n${run.stderr}`)
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as T
}

const SETTLED = `
const settled = async () => {
  for (let i = 0; i < 4; i++) {
    globalThis.gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}`
