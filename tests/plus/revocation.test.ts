import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors/config-error.js'
import { parseRevoked, Revocations } from '../../src/plus/revocation.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const temps: ReturnType<typeof makeTempDir>[] = []
const opened: Revocations[] = []
afterEach(() => {
  for (const revocations of opened.splice(0)) revocations.close()
  for (const temp of temps.splice(0)) temp.rm()
})

function lines(): { info: string[]; warn: string[]; logger: { info: (m: string) => void; warn: (m: string) => void } } {
  const info: string[] = []
  const warn: string[] = []
  return { info, warn, logger: { info: (m) => info.push(m), warn: (m) => warn.push(m) } }
}

/** Polls until `check` is true or `ms` passed; resolves with the milliseconds it took. */
async function within(ms: number, check: () => boolean): Promise<number> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return Date.now() - started
}

describe('parseRevoked', () => {
  it('reads one subscriber id per line, with # comments, blank lines and spaces around', () => {
    expect(parseRevoked('abo-1\n# gekündigt am 3.11.\n  abo-2  # Rückbuchung\n\r\nabo-3\r\n')).toEqual({ ids: new Set(['abo-1', 'abo-2', 'abo-3']), problems: [] })
  })

  it('reads a file saved with CRLF or CR line ends whole, comments after an id included (a Windows editor\'s save must not re-admit anyone)', () => {
    expect(parseRevoked('abo-1 # gekündigt\r\nabo-2\t# Rückbuchung\r\n\uFEFFabo-3\r\n')).toEqual({ ids: new Set(['abo-1', 'abo-2', 'abo-3']), problems: [] })
    expect(parseRevoked('abo-1 # alt\rabo-2\r')).toEqual({ ids: new Set(['abo-1', 'abo-2']), problems: [] })
  })

  it('names the line of an id no token can carry, and keeps the others', () => {
    expect(parseRevoked('abo-1\nzwei Wörter\n')).toEqual({
      ids: new Set(['abo-1']),
      problems: ['line 2: "zwei Wörter" is not a subscriber id (letters, digits and . _ @ + -, 1 to 64 characters); ignored'],
    })
  })
})

/** Revocations over a real file holding `text`, watched; closed and removed after the test. */
function started(text: string): { file: string; log: ReturnType<typeof lines>; revocations: Revocations } {
  const temp = makeTempDir()
  temps.push(temp)
  const file = temp.write('widerrufen.txt', text)
  const log = lines()
  const revocations = Revocations.start(file, log.logger)
  opened.push(revocations)
  return { file, log, revocations }
}

describe('Revocations', () => {
  it('revokes an id added to the file while it runs, within 2 s of the save, and un-revokes it when removed', async () => {
    const { file, log, revocations } = started('abo-1\n')
    expect([revocations.isRevoked('abo-1'), revocations.isRevoked('abo-2')]).toEqual([true, false])
    fs.writeFileSync(file, 'abo-1\nabo-2\n')
    const took = await within(2000, () => revocations.isRevoked('abo-2'))
    expect(took).toBeLessThan(2000)
    expect(log.info).toContain('PLUS_REVOKED: read widerrufen.txt again: 2 subscriber ids revoked')
    // An editor's save: a new file renamed over the old one.
    fs.writeFileSync(`${file}.tmp`, 'abo-2\n')
    fs.renameSync(`${file}.tmp`, file)
    await within(2000, () => !revocations.isRevoked('abo-1'))
    expect(revocations.isRevoked('abo-2')).toBe(true)
  })

  it('keeps the last list with a warning, and a health problem, while the file is missing; reads it again when it is back', async () => {
    const { file, log, revocations } = started('abo-1\n')
    fs.rmSync(file)
    await within(2000, () => log.warn.length > 0)
    expect(log.warn).toEqual([
      'warning PLUS_REVOKED: cannot read widerrufen.txt (ENOENT); the last list read stays in force (1 subscriber id revoked); to revoke no one, leave the file empty',
    ])
    expect(revocations.isRevoked('abo-1')).toBe(true)
    expect(revocations.problems()).toEqual(['PLUS_REVOKED: cannot read widerrufen.txt (ENOENT); the last list read stays in force'])
    fs.writeFileSync(file, '')
    await within(2000, () => !revocations.isRevoked('abo-1'))
    expect(revocations.problems()).toEqual([])
  })

  it('refuses the start when the file cannot be read then, naming the variable: a lost list must not re-admit anyone', () => {
    const temp = makeTempDir()
    temps.push(temp)
    let error: unknown
    try {
      Revocations.start(`${temp.dir}/fehlt.txt`, lines().logger)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(
      `PLUS_REVOKED: cannot read ${temp.dir}/fehlt.txt (ENOENT); create it (empty: no one revoked) or leave PLUS_REVOKED unset`,
    )
  })

  it('revokes no one without a file', () => {
    const revocations = Revocations.none()
    expect([revocations.isRevoked('abo-1'), revocations.problems()]).toEqual([false, []])
  })
})
