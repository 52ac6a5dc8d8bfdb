/**
 * A restart's stamps are taken by one worker thread, not two (issue 14): on
 * the two cores the main thread decodes the index snapshot on one, and the
 * worker's 50,000 stats fit beside it on the other; a second worker cost a
 * Node start-up (~60 ms of CPU) and its heap, and three threads shared two
 * cores. Counted with a Worker that notes each start; the stamps are the
 * real worker's. Needs dist/ (npm run build): the worker runs the built module.
 */
import { expect, it, vi } from 'vitest'

const started = vi.hoisted(() => ({ count: 0 }))
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>()
  class Counted extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args)
      started.count += 1
    }
  }
  return { ...real, Worker: Counted }
})

const { readableStamp, stampFiles } = await import('../../src/content/file-stamps.js')

it('takes the stamps of a listing in one worker thread, in order, as readableStamp does', async () => {
  const root = process.cwd()
  const files = ['package.json', 'README.md', 'no-such-file.md', 'tsconfig.json', 'site.yaml']
  const fallbacks: string[] = []
  const stamps: (string | undefined)[] = []
  const entry = new URL('../../dist/content/stamp-worker.js', import.meta.url)
  for await (const chunk of stampFiles(root, files, { entry, chunk: 2, onFallback: (error) => fallbacks.push(error.message) })) stamps.push(...chunk)
  expect(fallbacks).toEqual([])
  expect(started.count).toBe(1)
  expect(stamps).toEqual(files.map((file) => readableStamp(root, file)))
  expect(stamps.filter((stamp) => stamp === undefined)).toHaveLength(1)
})
