import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A fresh folder under the system's temp directory; remove it with `rm`. */
export function makeTempDir(prefix = 'feeds-test-'): { dir: string; write: (file: string, text: string | Buffer) => string; rm: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return {
    dir,
    write: (file, text) => {
      const target = path.join(dir, file)
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, text)
      return target
    },
    rm: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

/** A fresh temp folder others may read and enter (mode 755; mkdtemp makes 700): for the service run as another user. */
export function makeOpenTempDir(prefix: string): ReturnType<typeof makeTempDir> {
  const temp = makeTempDir(prefix)
  fs.chmodSync(temp.dir, 0o755)
  return temp
}

/** Front matter plus body, as an editor writes it. */
export function articleText(fields: Record<string, string>, body = 'Ein Absatz.\n'): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${value}`)
  return `---\n${lines.join('\n')}\n---\n${body}`
}
