/**
 * A worker's module held in memory (src/util/held-module.ts): the service reads its render worker at
 * its start, so a worker it starts later runs that code, not what a rebuild of dist/ (or its removal)
 * before the restart left on disk.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createRenderPool, type RenderPool } from '../../src/site/render-pool.js'
import { entryUrl, heldModule } from '../../src/util/held-module.js'
import { WorkerPool } from '../../src/util/worker-pool.js'
import { makeTempDir } from '../helpers/temp-dir.js'

/** A worker speaking answerTasks()'s protocol (src/util/answer-tasks.ts) that answers every task with `build`. */
const workerOfBuild = (build: string) => `import { parentPort } from 'node:worker_threads'
parentPort.postMessage({ ready: true })
parentPort.on('message', ({ id }) => parentPort.postMessage({ id, value: ${JSON.stringify(build)} }))
`

/** `file` held as the service holds its render worker (main.ts). */
const held = (file: URL) => heldModule(file, (url) => fs.readFileSync(url))

const temp = makeTempDir('held-module-')
let pool: WorkerPool<unknown, string> | undefined
let renderer: RenderPool | undefined
afterEach(async () => {
  await pool?.close()
  await renderer?.close()
  pool = renderer = undefined
})
afterAll(() => temp.rm())

describe('heldModule', () => {
  it('starts every later worker with the code read when it was held, whatever the file holds by then', async () => {
    const file = pathToFileURL(temp.write('worker.mjs', workerOfBuild('the first build')))
    const entry = held(file)
    fs.writeFileSync(file, workerOfBuild('a rebuild'))
    pool = new WorkerPool<unknown, string>({ entry })
    expect(await pool.run({})).toBe('the first build')
    // And with the file gone: a worker still starts.
    await pool.close()
    fs.rmSync(file)
    pool = new WorkerPool<unknown, string>({ entry })
    expect(await pool.run({})).toBe('the first build')
  })

  it('makes its data: URL once, at the first start, not at every start (35 ms of the event loop for the render worker)', async () => {
    const file = pathToFileURL(temp.write('once.mjs', workerOfBuild('made once')))
    const entry = held(file)
    const first = entryUrl(entry)
    expect(entryUrl(entry)).toBe(first)
    pool = new WorkerPool<unknown, string>({ entry })
    expect(await pool.run({})).toBe('made once')
  })

  it("names the file in a held module's stack traces, not its data: URL", async () => {
    const file = pathToFileURL(temp.write('throws.mjs', "function boom() { throw new Error('kaputt') }\nboom()\n"))
    const worker = new Worker(entryUrl(held(file)))
    const error = await new Promise<Error>((resolve) => worker.once('error', resolve))
    expect(error.message).toBe('kaputt')
    expect(error.stack).toContain(`at boom (${file.href}:1:`)
    expect(error.stack).not.toContain('data:')
  })

  it('is the file itself when it cannot be read now (the worker then fails to start, and says why)', async () => {
    const file = pathToFileURL(`${temp.dir}/missing.mjs`)
    const entry = held(file)
    expect(entry).toBe(file)
    pool = new WorkerPool<unknown, string>({ entry })
    await expect(pool.run({})).rejects.toThrow(file.pathname)
  })

  it("runs the service's render worker bundle (dist/render-worker.js; npm test builds first): its require() works from a data: URL", async () => {
    const bundle = new URL('../../dist/render-worker.js', import.meta.url)
    renderer = createRenderPool({ entry: held(bundle) })
    const rendered = await renderer.body('Die **Inflation** sinkt auf 2,1 %.', 'http://127.0.0.1/wirtschaft/inflation', 'http://127.0.0.1/')
    expect(rendered.problem).toBeUndefined()
    expect(rendered.html).toBe('<p>Die <strong>Inflation</strong> sinkt auf 2,1 %.</p>')
  })

  it('runs it under --enable-source-maps too (its source map is named relative to the file, which a data: URL is not)', () => {
    const built = (module: string) => JSON.stringify(new URL(`../../dist/${module}`, import.meta.url).href)
    const script = `import fs from 'node:fs'
import { heldModule } from ${built('util/held-module.js')}
import { createRenderPool } from ${built('site/render-pool.js')}
const renderer = createRenderPool({ entry: heldModule(new URL(${built('render-worker.js')}), (url) => fs.readFileSync(url)) })
console.log(JSON.stringify(await renderer.body('*Zinsen*', 'http://127.0.0.1/wirtschaft/zinsen', 'http://127.0.0.1/')))
await renderer.close()
`
    const result = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({ html: '<p><em>Zinsen</em></p>', excerpt: 'Zinsen' })
  })
})
