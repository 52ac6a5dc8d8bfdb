/** scripts/test.mjs (npm test): what it says when it fails. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from './helpers/temp-dir.js'

const script = path.resolve('scripts/test.mjs')
let bin: ReturnType<typeof makeTempDir>
beforeEach(() => {
  bin = makeTempDir('test-script-')
  // A type check that passes; no vitest on PATH (a CI image whose node_modules/.bin is missing).
  fs.writeFileSync(path.join(bin.dir, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
})
afterEach(() => bin.rm())

describe('scripts/test.mjs', () => {
  it('says why it failed when vitest cannot be started', () => {
    const run = spawnSync(process.execPath, [script], { env: { PATH: `${bin.dir}:${path.dirname(process.execPath)}` }, encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stdout + run.stderr).toContain('vitest: spawn vitest ENOENT')
  })
})
