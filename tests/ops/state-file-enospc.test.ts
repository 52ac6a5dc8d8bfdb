/** The chunked state-file writes (ops/state-file.ts), in one go and in turns: a failure mid-way leaves the old file and no temporary one. */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { stateFile } from '../../src/ops/state-file.js'
import { makeTempDir } from '../helpers/temp-dir.js'

let state: ReturnType<typeof makeTempDir>
beforeEach(() => void (state = makeTempDir('state-file-review-')))
afterEach(() => {
  vi.restoreAllMocks()
  state.rm()
})

describe('a state file written in chunks', () => {
  it('keeps the old file whole and leaves no temporary file when the disk fills at the second chunk', () => {
    const file = stateFile(state.dir, 'index-snapshot.v8')
    file.write('alt\n')
    const real = fs.writeFileSync
    let calls = 0
    vi.spyOn(fs, 'writeFileSync').mockImplementation(((...args: Parameters<typeof fs.writeFileSync>) => {
      if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      return real(...args)
    }) as typeof fs.writeFileSync)
    expect(() => file.write([Buffer.from('kopf\n'), Buffer.alloc(100_000, 0x61)])).toThrow(/ENOSPC/)
    expect(fs.readFileSync(path.join(state.dir, 'index-snapshot.v8'), 'utf8')).toBe('alt\n')
    expect(fs.readdirSync(state.dir)).toEqual(['index-snapshot.v8'])
  })

  it("removes a killed writer's temporary file an hour old even when this write fails for want of space: it is what frees the space", () => {
    const file = stateFile(state.dir, 'index-snapshot.v8')
    file.write('alt\n')
    fs.writeFileSync(path.join(state.dir, 'index-snapshot.v8.99999.tmp'), Buffer.alloc(100_000, 0x62))
    const old = new Date(Date.now() - 3 * 60 * 60 * 1000)
    fs.utimesSync(path.join(state.dir, 'index-snapshot.v8.99999.tmp'), old, old)
    vi.spyOn(fs, 'writeFileSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    expect(() => file.write('neu\n')).toThrow(/ENOSPC/)
    expect(fs.readdirSync(state.dir)).toEqual(['index-snapshot.v8'])
  })

  it('keeps the old file whole and leaves no temporary file when the disk fills at the second chunk of a write in turns', async () => {
    const file = stateFile(state.dir, 'index-snapshot.v8')
    file.write('alt\n')
    const open = fs.promises.open
    vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof fs.promises.open>) => {
      const handle = await open(...args)
      let calls = 0
      const writeFile = handle.writeFile.bind(handle)
      return Object.assign(handle, {
        writeFile: (async (...rest: Parameters<typeof handle.writeFile>) => {
          if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
          return writeFile(...rest)
        }) as typeof handle.writeFile,
      })
    })
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('kopf\n')
      yield Buffer.alloc(100_000, 0x61)
    }
    await expect(file.writeInTurns(chunks(), () => false)).rejects.toThrow(/ENOSPC/)
    expect(fs.readFileSync(path.join(state.dir, 'index-snapshot.v8'), 'utf8')).toBe('alt\n')
    expect(fs.readdirSync(state.dir)).toEqual(['index-snapshot.v8'])
  })
})
