/**
 * A full garbage collection on request (src/util/collect-garbage.ts), which the service starts after its start so
 * that what it does next does not grow the heap on top of the start's garbage. Run in a process of its own: its
 * warnings are the process's, and a test worker's other files would hold garbage of their own.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import vm from 'node:vm'
import { describe, expect, it, vi } from 'vitest'
import { collectGarbage } from '../../src/util/collect-garbage.js'

const ROOT = path.join(import.meta.dirname, '../..')

describe('collectGarbage', () => {
  it('collects what nothing holds, and shows no ExperimentalWarning for the API it uses, while other warnings still show', () => {
    const script = `import { collectGarbage } from './src/util/collect-garbage.ts'
      let target = { held: 'by nothing once the job that made it ends' }
      const ref = new WeakRef(target)
      target = undefined
      await new Promise((resolve) => setTimeout(resolve, 10))
      await collectGarbage()
      console.log(JSON.stringify({ collected: ref.deref() === undefined }))
      process.emitWarning('a warning of the service', 'ServiceWarning')`
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 })
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout.trim())).toEqual({ collected: true })
    expect(run.stderr).not.toContain('ExperimentalWarning')
    expect(run.stderr).toContain('ServiceWarning: a warning of the service')
  }, 40_000)
})

describe('collectGarbage, when the measurement never comes', () => {
  it('resolves after atMostMs all the same: the service’s sitemaps and parts wait for it', async () => {
    const never = vi.spyOn(vm, 'measureMemory').mockReturnValue(new Promise(() => {}))
    try {
      const started = performance.now()
      await collectGarbage(100)
      expect(performance.now() - started).toBeGreaterThanOrEqual(90)
      expect(never).toHaveBeenCalledWith({ mode: 'summary', execution: 'eager' })
    } finally {
      never.mockRestore()
    }
  })

  it('resolves when the measurement throws, and gives process.emitWarning back', async () => {
    const emitWarning = process.emitWarning
    const throwing = vi.spyOn(vm, 'measureMemory').mockImplementation(() => {
      throw new Error('not here')
    })
    try {
      await expect(collectGarbage()).resolves.toBeUndefined()
      expect(process.emitWarning).toBe(emitWarning)
    } finally {
      throwing.mockRestore()
    }
  })
})
