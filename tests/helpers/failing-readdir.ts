import fs from 'node:fs'
import path from 'node:path'
import { vi } from 'vitest'

/**
 * Makes fs.readdirSync fail for the given folders under `root`
 * with the given error codes, the rest read as usual: a folder the service
 * may not read (these tests run as root, which reads everything), or one that
 * vanished between its parent's listing and its own. Undo with
 * `vi.restoreAllMocks()`. Call it once per test: it replaces readdirSync.
 */
export function failReaddir(root: string, codes: Record<string, string>): void {
  const failing = new Map(Object.entries(codes).map(([folder, code]) => [path.join(root, folder), code]))
  const check = (p: fs.PathLike): void => {
    const code = failing.get(String(p))
    if (code) throw Object.assign(new Error(`${code}: failed, scandir '${String(p)}'`), { code, path: String(p), syscall: 'scandir' })
  }
  const readdirSync = fs.readdirSync
  vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, options: never) => (check(p), readdirSync(p, options))) as typeof fs.readdirSync)
}
