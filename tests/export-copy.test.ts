/** The export's copy of a media file (src/export-copy.ts): the bytes, its progress, and what it refuses to open for reading. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { copyRegularFile, NotRegularFileError } from '../src/export-copy.js'

let dir: string
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('copyRegularFile', () => {
  it('copies every byte and says after each MiB how many are done', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-'))
    const bytes = Buffer.from(Array.from({ length: 2_500_000 }, (_, n) => (n * 7) % 256))
    fs.writeFileSync(path.join(dir, 'folge.mp3'), bytes)
    const said: number[] = []
    expect(await copyRegularFile(path.join(dir, 'folge.mp3'), path.join(dir, 'kopie.mp3'), (done) => said.push(done))).toBe(2_500_000)
    expect(fs.readFileSync(path.join(dir, 'kopie.mp3')).equals(bytes)).toBe(true)
    expect(said).toEqual([1_048_576, 2_097_152, 2_500_000])
  })

  it('refuses a FIFO and a device at once, reading nothing and creating no copy', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-'))
    expect(spawnSync('mkfifo', [path.join(dir, 'rohr.mp3')]).status).toBe(0)
    for (const source of [path.join(dir, 'rohr.mp3'), '/dev/zero']) {
      await expect(copyRegularFile(source, path.join(dir, 'kopie.mp3'))).rejects.toThrow(NotRegularFileError)
      expect(fs.existsSync(path.join(dir, 'kopie.mp3'))).toBe(false)
    }
  })
})
