/**
 * The renderers: in this thread (RENDER_IN_THREAD) and in worker threads
 * (createRenderPool, with the built worker), which must give the same
 * documents; and what is published when a body cannot be rendered in time.
 */
import { pathToFileURL } from 'node:url'
import type { Worker } from 'node:worker_threads'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { renderBody, renderPlainText } from '../../src/content/render-markdown.js'
import { createRenderPool, PAGE_IN_WORKER_CHARS, type RenderPool } from '../../src/site/render-pool.js'
import { renderArticlePage, renderTranscriptPage } from '../../src/site/pages.js'
import { encodeDocument, type EncodedDocument } from '../../src/site/resource.js'
import { RENDER_IN_THREAD_LATER } from '../../src/site/in-thread-later.js'
import { bodyOrPlainText, RENDER_IN_THREAD } from '../../src/site/renderer.js'
import { WorkerEndsError, WorkerStartError, WorkerTimeoutError } from '../../src/util/worker-errors.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { makeDocument, makeItem, makePageContext } from '../helpers/feed-fixtures.js'
import { builtRenderPool } from '../helpers/render-pool.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const PAGE = 'https://www.example.de/wirtschaft/gross.html'
const SITE = 'https://www.example.de/'
const decode = (bytes: string | Uint8Array) => (typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes))

let pool: RenderPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})
const temp = makeTempDir('renderer-')
afterAll(() => temp.rm())

describe('bodyOrPlainText', () => {
  const plain = async () => renderPlainText('Ein *Absatz*.')

  it('gives the rendered body when rendering succeeds', async () => {
    expect(await bodyOrPlainText('Ein *Absatz*.', async () => renderBody('Ein *Absatz*.', PAGE), plain)).toEqual({ html: '<p>Ein <em>Absatz</em>.</p>', excerpt: 'Ein Absatz.', problem: undefined })
  })

  it('gives the plain text, with the reason, when rendering took too long or failed', async () => {
    expect(await bodyOrPlainText('Ein *Absatz*.', () => Promise.reject(new WorkerTimeoutError(20_000)), plain)).toEqual({
      html: '<p>Ein *Absatz*.</p>',
      excerpt: 'Ein *Absatz*.',
      problem: 'took longer than 20 s to render; published as plain text',
      // Not workerFailed: a time out is rendered again on a schedule of its own, not at every recovery of the workers.
      timedOut: true,
    })
    const failed = await bodyOrPlainText('Ein *Absatz*.', () => Promise.reject(new RangeError('Maximum call stack size exceeded')), plain)
    expect([failed.problem, failed.timedOut, failed.workerFailed]).toEqual(['could not be rendered (Maximum call stack size exceeded); published as plain text', undefined, true])
  })

  it('makes the plain text here, without asking a worker, and marks it passing, when no worker could start', async () => {
    const asked = vi.fn(plain)
    const noWorker = new WorkerStartError(new Error('EAGAIN'))
    // Before: `plain` asked the pool, which tried to start a worker again (two starts a body), and nothing told this plain text from a body at fault.
    expect(await bodyOrPlainText('Ein *Absatz*.', () => Promise.reject(noWorker), asked)).toEqual({
      html: '<p>Ein *Absatz*.</p>',
      excerpt: 'Ein *Absatz*.',
      problem: 'could not be rendered (cannot start a worker: EAGAIN); published as plain text',
      passing: true,
    })
    expect(asked).not.toHaveBeenCalled()
  })

  it('gives the body as `asWritten` renders it when its plain text finds no worker either (the export): the workers were at fault, not the body', async () => {
    const ended = () => Promise.reject(new Error('worker stopped with exit code 7'))
    const noWorker = () => Promise.reject(new WorkerEndsError(new Error('worker stopped with exit code 7')))
    const asWritten = vi.fn(async () => renderBody('Ein *Absatz*.', PAGE))
    // Before: the plain text made here, 'could not be rendered (worker stopped with exit code 7); published as plain text'.
    expect(await bodyOrPlainText('Ein *Absatz*.', ended, noWorker, asWritten)).toEqual({ html: '<p>Ein <em>Absatz</em>.</p>', excerpt: 'Ein Absatz.', problem: undefined })
    expect(asWritten.mock.calls).toEqual([[new WorkerEndsError(new Error('worker stopped with exit code 7'))]])
    // A worker that ends on the plain text too, the workers working: the body's fault, its plain text made here.
    expect(await bodyOrPlainText('Ein *Absatz*.', ended, ended, asWritten)).toEqual({
      html: '<p>Ein *Absatz*.</p>',
      excerpt: 'Ein *Absatz*.',
      problem: 'could not be rendered (worker stopped with exit code 7); published as plain text',
      workerFailed: true,
    })
    expect(asWritten).toHaveBeenCalledTimes(1)
  })
})

describe('RENDER_IN_THREAD_LATER', () => {
  it('renders bodies and all three feed formats as RENDER_IN_THREAD, loading it on first use', async () => {
    const markdown = '## Zinsen\n\nDie **EZB** senkt – [mehr](/ezb.html).\n\n<b><script>x</script>'
    expect(await RENDER_IN_THREAD_LATER.body(markdown, PAGE, SITE)).toEqual(await RENDER_IN_THREAD.body(markdown, PAGE, SITE))
    const document = makeDocument([makeItem({ title: 'Börse & Zölle <3', tags: ['KI', 'Börse'] })])
    for (const format of ['rss', 'atom', 'json'] as const) expect(await RENDER_IN_THREAD_LATER.feed(document, format)).toBe(await RENDER_IN_THREAD.feed(document, format))
  })
})

describe('createRenderPool', () => {
  it('renders bodies and all three feed formats as this thread does, feeds as UTF-8 bytes', async () => {
    pool = builtRenderPool()
    const markdown = '## Zinsen\n\nDie **EZB** senkt – [mehr](/ezb.html).\n\n<b><script>x</script>'
    expect(await pool.body(markdown, PAGE, SITE)).toEqual(await RENDER_IN_THREAD.body(markdown, PAGE, SITE))
    const document = makeDocument([makeItem({ title: 'Börse & Zölle <3', tags: ['KI', 'Börse'] })])
    for (const format of ['rss', 'atom', 'json'] as const) {
      const bytes = await pool.feed(document, format)
      expect(bytes).toBeInstanceOf(Uint8Array)
      expect(decode(bytes)).toBe(decode(await RENDER_IN_THREAD.feed(document, format)))
    }
  })

  it('renders a feed’s page for browsers as this thread does, as UTF-8 bytes', async () => {
    pool = builtRenderPool()
    const context = makePageContext()
    const document = makeDocument([makeItem({ title: 'Börse & Zölle <3' })])
    const bytes = await pool.feedPage(document, 'atom', context)
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(decode(bytes)).toBe(decode(await RENDER_IN_THREAD.feedPage(document, 'atom', context)))
    expect(decode(bytes)).toContain('<h3><a href=')
  })

  it('renders an article page with a large body in a worker, encoded, hashed and compressed there, and one with a small body not at all', async () => {
    // A 10 MB page (2 MiB of `&`) encoded and stripped in the service's thread held its event loop 100–160 ms.
    pool = builtRenderPool()
    const page = (html: string) => ({ context: makePageContext(), article: makeArticle('gross', { date: '2025-06-01T08:00:00Z' }), summary: 'Viel.', html, episode: false })
    expect(await pool.articlePage?.(page('<p>Kurz &amp; klar.</p>'))).toBeUndefined()
    const large = page(`<p>${'&amp;'.repeat(PAGE_IN_WORKER_CHARS / 5)}</p>`)
    const encoded = (await pool.articlePage?.(large)) as EncodedDocument
    expect(decode(encoded.body)).toBe(renderArticlePage(large.context, large.article, large.summary, large.html))
    expect(encoded).toEqual(encodeDocument(renderArticlePage(large.context, large.article, large.summary, large.html)))
    // An episode's transcript page of the same body too (helper-125: 75 ms in this thread); a plus article's page, which
    // shows no body, not.
    const transcript = { ...large, transcript: true }
    expect(await pool.articlePage?.(transcript)).toEqual(encodeDocument(renderTranscriptPage(large.context, large.article, large.html)))
    expect(await pool.articlePage?.({ ...large, article: { ...large.article, access: 'plus' } })).toBeUndefined()
  })

  it('leaves a large article page to this thread when its worker ends on it, rather than failing it (helper-125: a 500)', async () => {
    const ending = `import { parentPort } from 'node:worker_threads'
parentPort.postMessage({ ready: true })
parentPort.on('message', ({ request }) => { if (request?.kind === 'article page') process.exit(7) })
`
    pool = createRenderPool({ entry: pathToFileURL(temp.write('page-ending-worker.mjs', ending)), size: 1 })
    const page = { context: makePageContext(), article: makeArticle('gross', { date: '2025-06-01T08:00:00Z' }), summary: '', html: 'x'.repeat(PAGE_IN_WORKER_CHARS), episode: false }
    expect(await pool.articlePage?.(page)).toBeUndefined()
  })

  it('publishes a body that takes longer than the time limit as plain text, and keeps rendering others', async () => {
    pool = builtRenderPool({ size: 1, bodyTimeLimitMs: 50 })
    const slow = '**_'.repeat(300_000)
    const started = performance.now()
    const rendered = await pool.body(slow, PAGE, SITE)
    expect(rendered.problem).toBe('took longer than 0.05 s to render; published as plain text')
    expect(rendered.html).toBe(`<p>${slow}</p>`)
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(await pool.body('Weiter.', PAGE, SITE)).toEqual({ html: '<p>Weiter.</p>', excerpt: 'Weiter.', problem: undefined })
  })

  it('publishes a body as plain text, with the reason, when the worker fails on its plain text too (it ends on this text)', async () => {
    // A worker of answerTasks()'s protocol that ends whenever it is given a body: rendered or plain, on a new worker too.
    const ending = `import { parentPort } from 'node:worker_threads'
parentPort.postMessage({ ready: true })
parentPort.on('message', ({ request }) => { if (request?.kind === 'body') process.exit(7) })
`
    pool = createRenderPool({ entry: pathToFileURL(temp.write('ending-worker.mjs', ending)), size: 1 })
    // Before: the body's promise rejected, so the change holding it was never applied ("applying a change failed").
    expect(await pool.body('Die „Zölle“ steigen um 5 %.\n\n*Mehr* dazu ]]> bald.', PAGE, SITE)).toEqual({
      html: '<p>Die „Zölle“ steigen um 5 %.</p>\n<p>*Mehr* dazu ]]&gt; bald.</p>',
      excerpt: 'Die „Zölle“ steigen um 5 %. *Mehr* dazu ]]> bald.',
      problem: 'could not be rendered (worker stopped with exit code 7); published as plain text',
      workerFailed: true,
    })
  })

  it('renders documents in this thread and bodies as plain text while no worker can start, tries again a second later, and says so (health) until one starts', async () => {
    // A worker that cannot start (as every one could not once a deploy removed the service's working directory, on Node 20).
    let entry = pathToFileURL(temp.write('unstartable-worker.mjs', "throw new Error('Modul fehlt')\n"))
    let starts = 0
    pool = createRenderPool({ entry: () => ((starts += 1), entry), size: 1 })
    let recovered = 0
    pool.onRecovered!(() => void (recovered += 1))
    const document = makeDocument([makeItem({ title: 'Börse & Zölle <3' })])
    // Before: the feed's promise rejected ('cannot start'), so no change was applied, and /healthz said ok.
    expect(decode(await pool.feed(document, 'rss'))).toBe(decode(await RENDER_IN_THREAD.feed(document, 'rss')))
    expect(pool.problems()).toEqual(['render workers: cannot start a worker: Modul fehlt; documents render in the main thread, bodies are published as plain text'])
    const bodies = await Promise.all(Array.from({ length: 200 }, (_, n) => pool!.body(`Die *EZB* senkt ${n}.`, PAGE, SITE)))
    expect(bodies[199]).toEqual({
      html: '<p>Die *EZB* senkt 199.</p>',
      excerpt: 'Die *EZB* senkt 199.',
      problem: 'could not be rendered (cannot start a worker: Modul fehlt); published as plain text',
      passing: true,
    })
    // Before: two starts a body, 401 in all (each building the worker's module URL again); now none for a second after
    // the first failed (a second one only if the bodies took longer than that on a loaded machine).
    expect(starts).toBeLessThanOrEqual(2)
    // A worker that can start again: the pool tries one by itself once the pause is over; rendered there, the problem gone.
    entry = new URL('../../dist/site/render-worker.js', import.meta.url)
    await vi.waitFor(() => expect(pool!.problems()).toEqual([]), { timeout: 10_000 })
    expect(recovered).toBe(1)
    expect(await pool.body('Die *EZB* senkt.', PAGE, SITE)).toEqual({ html: '<p>Die <em>EZB</em> senkt.</p>', excerpt: 'Die EZB senkt.', problem: undefined })
  })
  it('tells no one of a recovery when no body was published as plain text meanwhile: nothing is to be rendered again, nor purged', async () => {
    let entry = pathToFileURL(temp.write('unstartable-worker.mjs', "throw new Error('Modul fehlt')\n"))
    pool = createRenderPool({ entry: () => entry, size: 1 })
    let recovered = 0
    pool.onRecovered!(() => void (recovered += 1))
    // Only documents while no worker can start: rendered in this thread, the same bytes as a worker's.
    const document = makeDocument([makeItem({ title: 'Börse & Zölle <3' })])
    expect(decode(await pool.feed(document, 'rss'))).toBe(decode(await RENDER_IN_THREAD.feed(document, 'rss')))
    entry = new URL('../../dist/site/render-worker.js', import.meta.url)
    await vi.waitFor(() => expect(pool!.problems()).toEqual([]), { timeout: 10_000 })
    // Before: 1, and the service rendered every document again and purged the whole site at the CDN.
    expect(recovered).toBe(0)
  })

  it('tells no one of a second recovery with only documents rendered meanwhile, though the first outage published a body as plain text', async () => {
    const unstartable = pathToFileURL(temp.write('unstartable-worker.mjs', "throw new Error('Modul fehlt')\n"))
    const working = new URL('../../dist/site/render-worker.js', import.meta.url)
    let entry: URL = unstartable
    // The pool's workers, as Node makes them (the 'worker' event): the test ends the one that works, as a host's kill would.
    const workers: Worker[] = []
    const made = (worker: Worker) => void workers.push(worker)
    process.on('worker', made)
    try {
      pool = createRenderPool({ entry: () => entry, size: 1 })
      let recovered = 0
      pool.onRecovered!(() => void (recovered += 1))
      // First outage: a body published as plain text meanwhile, to be rendered again at the recovery.
      expect(await pool.body('Die *EZB* senkt.', PAGE, SITE)).toMatchObject({ html: '<p>Die *EZB* senkt.</p>', passing: true })
      entry = working
      await vi.waitFor(() => expect(pool!.problems()).toEqual([]), { timeout: 10_000 })
      expect(recovered).toBe(1)
      // Second outage: the worker that works ends (the pool hears it before terminate() resolves), and none can start.
      entry = unstartable
      await workers.at(-1)!.terminate()
      const document = makeDocument([makeItem({ title: 'Börse & Zölle <3' })])
      expect(decode(await pool.feed(document, 'rss'))).toBe(decode(await RENDER_IN_THREAD.feed(document, 'rss')))
      expect(pool.problems()).toEqual(['render workers: cannot start a worker: Modul fehlt; documents render in the main thread, bodies are published as plain text'])
      // A probe 2 s later (the pause goes on from the first outage's, a minute not having passed) works.
      entry = working
      await vi.waitFor(() => expect(pool!.problems()).toEqual([]), { timeout: 10_000 })
      // Before: 2, the first outage's plain text still counted, and the service rendered every document again and purged the whole site.
      expect(recovered).toBe(1)
      expect(workers).toHaveLength(4)
    } finally {
      process.off('worker', made)
    }
  })

  it('renders documents in this thread and bodies as plain text once worker after worker ends on its first task, tries again a second later, and says so (health) until one answers', async () => {
    // Workers that load and then end on any task (their render code crashes the thread, or each task reaches a limit).
    let entry = new URL('../fixtures/workers/ends-on-every-task.mjs', import.meta.url)
    let starts = 0
    pool = createRenderPool({ entry: () => ((starts += 1), entry), size: 1 })
    let recovered = 0
    pool.onRecovered!(() => void (recovered += 1))
    const bodies = await Promise.all(Array.from({ length: 200 }, (_, n) => pool!.body(`Die *EZB* senkt ${n}.`, PAGE, SITE)))
    expect(bodies[199]).toEqual({
      html: '<p>Die *EZB* senkt 199.</p>',
      excerpt: 'Die *EZB* senkt 199.',
      problem: 'could not be rendered (every worker ends on its first task (worker stopped with exit code 7)); published as plain text',
      passing: true,
    })
    // The two bodies given to the first two workers to end are taken for at fault (kept as plain text); the other 198
    // render again once workers work (passing).
    expect(bodies.filter((body) => body.passing)).toHaveLength(198)
    // Before: 200 starts (each task a worker of its own, 12.8 s); now three, and one a pause later (1 s, 2 s …).
    expect(starts).toBeLessThanOrEqual(5)
    const document = makeDocument([makeItem({ title: 'Börse & Zölle <3' })])
    // Before: the feed's promise rejected ('worker stopped with exit code 7'), so the service's first load failed.
    expect(decode(await pool.feed(document, 'rss'))).toBe(decode(await RENDER_IN_THREAD.feed(document, 'rss')))
    expect(pool.problems()).toEqual(['render workers: every worker ends on its first task (worker stopped with exit code 7); documents render in the main thread, bodies are published as plain text'])
    // Workers that work again: the pool's probe answers its check by itself once the pause is over; loading is not enough.
    entry = new URL('../../dist/site/render-worker.js', import.meta.url)
    await vi.waitFor(() => expect(pool!.problems()).toEqual([]), { timeout: 10_000 })
    expect(recovered).toBe(1)
    expect(await pool.body('Die *EZB* senkt.', PAGE, SITE)).toEqual({ html: '<p>Die <em>EZB</em> senkt.</p>', excerpt: 'Die EZB senkt.', problem: undefined })
    expect(decode(await pool.feed(document, 'rss'))).toBe(decode(await RENDER_IN_THREAD.feed(document, 'rss')))
  })

  it('publishes only the body that ends its worker each time as plain text, not passing, among bodies that render, and finds no problem', async () => {
    pool = createRenderPool({ entry: new URL('../fixtures/workers/ends-on-one-body.mjs', import.meta.url), size: 1 })
    // Alone first: it ends two workers in a row (its HTML, then its plain text), which is not yet workers that are broken.
    expect(await pool.body('Der Speicher voll – *Bericht*.', PAGE, SITE)).toEqual({
      html: '<p>Der Speicher voll – *Bericht*.</p>',
      excerpt: 'Der Speicher voll – *Bericht*.',
      problem: 'could not be rendered (worker stopped with exit code 7); published as plain text',
      workerFailed: true,
    })
    const bodies = await Promise.all(['Eins *fett*.', 'Wieder Speicher voll.', 'Zwei *fett*.', 'Drei *fett*.'].map((text) => pool!.body(text, PAGE, SITE)))
    expect(bodies.map((body) => [body.html, body.passing, body.problem])).toEqual([
      ['<p>Eins <em>fett</em>.</p>', undefined, undefined],
      ['<p>Wieder Speicher voll.</p>', undefined, 'could not be rendered (worker stopped with exit code 7); published as plain text'],
      ['<p>Zwei <em>fett</em>.</p>', undefined, undefined],
      ['<p>Drei <em>fett</em>.</p>', undefined, undefined],
    ])
    expect(pool.problems()).toEqual([])
  })
})
