/**
 * The state files under STATE_DIR (ops/state-file.ts): replaced atomically,
 * from text, bytes, or chunks written one after the other (the index
 * snapshot: never joined into a second copy in memory).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { stateFile } from '../../src/ops/state-file.js'
import { makeTempDir } from '../helpers/temp-dir.js'

let state: ReturnType<typeof makeTempDir>
beforeEach(() => void (state = makeTempDir('state-file-')))
afterEach(() => state.rm())

describe('state file', () => {
  it('writes chunks one after the other into one file, replacing the old one and leaving no temporary file', () => {
    const file = stateFile(path.join(state.dir, 'state'), 'index-snapshot.v8')
    file.write('alt')
    file.write([Buffer.from('wirtschaft-index-snapshot/2 abc\n'), new Uint8Array([0xff, 0x0d, 0x6f]), Buffer.alloc(70_000, 0x61)])
    expect(file.readBytes()).toEqual(Buffer.concat([Buffer.from('wirtschaft-index-snapshot/2 abc\n'), Buffer.from([0xff, 0x0d, 0x6f]), Buffer.alloc(70_000, 0x61)]))
    expect(fs.readdirSync(path.join(state.dir, 'state'))).toEqual(['index-snapshot.v8'])
  })

  it('says ENOTDIR, naming STATE_DIR, when a file stands where the folder should be (mkdir says EEXIST, as if all were well)', () => {
    const notAFolder = state.write('state', 'a file')
    const file = stateFile(notAFolder, 'index-snapshot.v8')
    expect(() => file.write('alt')).toThrow(expect.objectContaining({ code: 'ENOTDIR', message: `ENOTDIR: ${notAFolder} is not a folder` }))
    expect(fs.readFileSync(notAFolder, 'utf8')).toBe('a file')
  })
})
