/**
 * Found by a review: a stamp worker that could not be started at all (new
 * Worker throwing: a thread or memory limit) was not told to onFallback when
 * the worker module was the default one beside file-stamps.js, as in
 * dist/main.js: the stamps were taken on the main thread and no line said
 * why a restart was slower. Needs dist/ (npm run build): the built module has
 * its worker beside it, the TypeScript sources have none.
 */
import { expect, it, vi } from 'vitest'

vi.mock('node:worker_threads', () => ({
  Worker: class {
    constructor() {
      throw Object.assign(new Error('Worker initialization failure: EAGAIN'), { code: 'ERR_WORKER_INIT_FAILED' })
    }
  },
}))

const built = '../../dist/content/file-stamps.js'
const { readableStamp, stampFiles } = (await import(built)) as typeof import('../../src/content/file-stamps.js')

it('says once why the stamps are taken on this thread when the default worker cannot start', async () => {
  const root = process.cwd()
  const files = ['package.json', 'README.md', 'no-such-file.md']
  const fallbacks: string[] = []
  const stamps: (string | undefined)[] = []
  for await (const chunk of stampFiles(root, files, { onFallback: (error) => fallbacks.push(error.message) })) stamps.push(...chunk)
  expect(stamps).toEqual(files.map((file) => readableStamp(root, file)))
  expect(stamps[0]).toMatch(/^\d+:\d+:/)
  expect(fallbacks).toEqual(['Worker initialization failure: EAGAIN'])
})
