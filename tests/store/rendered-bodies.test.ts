import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { parseArticle } from '../../src/content/parse-article.js'
import type { BodyRendering } from '../../src/content/render-markdown.js'
import { RENDER_IN_THREAD, type Renderer } from '../../src/site/renderer.js'
import { bodyOrPlainText } from '../../src/site/render-request.js'
import { RenderedBodies, TIMED_OUT_KEPT_MS } from '../../src/store/rendered-bodies.js'
import { WorkerStartError, WorkerTimeoutError } from '../../src/util/worker-errors.js'
import { articleText } from '../helpers/temp-dir.js'

const options = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }

/** Bodies over files in memory, with a renderer whose bodies finish when a test says so. */
function setUp(files: Map<string, string>) {
  const rendered: string[] = []
  const waiting: (() => void)[] = []
  const renderer: Renderer = {
    ...RENDER_IN_THREAD,
    body: async (markdown, url, site) => {
      rendered.push(markdown)
      await new Promise<void>((resolve) => waiting.push(resolve))
      return RENDER_IN_THREAD.body(markdown, url, site)
    },
  }
  const warned: string[] = []
  const bodies = new RenderedBodies({
    source: { readBody: async (file) => (files.has(file) ? parseArticle(files.get(file) as string, file, options) : undefined) },
    renderer,
    siteUrl: options.siteUrl,
    media: () => undefined,
    logger: { info: () => {}, warn: (line) => warned.push(line) },
  })
  const article = (file: string): Article => parseArticle(files.get(file) as string, file, options).article
  const finish = async () => {
    while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve))
    for (const resolve of waiting.splice(0)) resolve()
  }
  return { bodies, rendered, warned, article, finish }
}

const text = (body: string) => articleText({ title: 'Gross', date: '2025-06-01T08:00:00+02:00', category: 'wirtschaft' }, body)

/** A renderer whose first `slow` bodies run out of time (as when the machine was paused), the later ones render; `renders()` counts them. */
function timingOut(slow: number) {
  let renders = 0
  const renderer: Renderer = {
    ...RENDER_IN_THREAD,
    body: (markdown, url, site) =>
      bodyOrPlainText(markdown, () => (++renders <= slow ? Promise.reject(new WorkerTimeoutError(20_000)) : RENDER_IN_THREAD.body(markdown, url, site)), () => Promise.reject(new Error('no plain text from a worker'))),
  }
  return { renderer, renders: () => renders }
}

describe('RenderedBodies', () => {
  afterEach(() => void vi.useRealTimers())

  it('renders a body once however many documents wait for it, and keeps it', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')]])
    const { bodies, rendered, article, finish } = setUp(files)
    const gross = article('gross.md')
    const waiting = [bodies.body(gross), bodies.body(article('gross.md')), bodies.itemSource([gross])]
    await finish()
    const [first, second, source] = await Promise.all(waiting)
    expect(first).toEqual({ html: '<p>Ein <em>Absatz</em>.</p>', excerpt: 'Ein Absatz.' })
    expect(second).toBe(first)
    expect((source as Awaited<ReturnType<typeof bodies.itemSource>>).bodyOf(gross)).toBe(first)
    expect(await bodies.body(article('gross.md'))).toBe(first)
    expect(rendered).toEqual(['Ein *Absatz*.\n'])
  })

  it('logs what was wrong with a body, naming the file', async () => {
    const files = new Map([['gross.md', text(`${'<b>'.repeat(150)}Tief\n`)]])
    const { bodies, warned, article, finish } = setUp(files)
    const body = bodies.body(article('gross.md'))
    await finish()
    expect((await body).html).toBe('<p>Tief</p>')
    expect(warned).toEqual(['warning gross.md: body: nests HTML elements more than 100 deep; published as text without its HTML tags'])
  })

  it('does not keep a body rendered from a version of the file that changed meanwhile', async () => {
    const files = new Map([['gross.md', text('Alt.\n')]])
    const { bodies, rendered, article, finish } = setUp(files)
    const old = bodies.body(article('gross.md'))
    files.set('gross.md', text('Neu.\n'))
    bodies.forget('gross.md')
    await finish()
    expect((await old).html).toBe('<p>Alt.</p>')
    const fresh = bodies.body(article('gross.md'))
    await finish()
    expect((await fresh).html).toBe('<p>Neu.</p>')
    expect(rendered).toEqual(['Alt.\n', 'Neu.\n'])
  })

  it('gives an empty body for a file that is gone, and says the source is incomplete', async () => {
    const files = new Map([['gross.md', text('Da.\n')]])
    const { bodies, article } = setUp(files)
    const gone = article('gross.md')
    files.delete('gross.md')
    const source = await bodies.itemSource([gone])
    expect(source.incomplete).toBe(true)
    expect(source.bodyOf(gone)).toEqual({ html: '', excerpt: '' })
  })

  it('keeps the plain text of a body that ran out of time, renders it again in the background TIMED_OUT_KEPT_MS later, twice as late after each time out', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')]])
    const { article } = setUp(files)
    // The first two renders run out of time (as when the machine was paused during them), the next ones do not.
    const { renderer, renders } = timingOut(2)
    const logged: string[] = []
    let now = 0
    const bodies = new RenderedBodies({
      source: { readBody: async (file) => parseArticle(files.get(file) as string, file, options) },
      renderer,
      siteUrl: options.siteUrl,
      media: () => undefined,
      logger: { info: (line) => logged.push(line), warn: (line) => logged.push(line) },
      now: () => now,
    })
    const settled = () => new Promise((resolve) => setImmediate(resolve))
    const plain = await bodies.body(article('gross.md'))
    expect(plain.html).toBe('<p>Ein *Absatz*.</p>')
    expect((await bodies.itemSource([article('gross.md')])).incomplete).toBe(true)
    now = TIMED_OUT_KEPT_MS - 1
    expect([await bodies.body(article('gross.md')), renders()]).toEqual([plain, 1])
    // Due: the plain text at once (before: the document waited for the render, 20 s for a body that always takes
    // that long), and a render in the background, which runs out of time again: kept twice as long now.
    now = TIMED_OUT_KEPT_MS
    expect(await bodies.body(article('gross.md'))).toBe(plain)
    await settled()
    expect(renders()).toBe(2)
    now += 2 * TIMED_OUT_KEPT_MS - 1
    await bodies.body(article('gross.md'))
    expect(renders()).toBe(2)
    now += 1
    await bodies.body(article('gross.md'))
    await settled()
    const again = await bodies.body(article('gross.md'))
    expect([again.html, renders()]).toEqual(['<p>Ein <em>Absatz</em>.</p>', 3])
    expect((await bodies.itemSource([article('gross.md')])).incomplete).toBe(false)
    expect(logged).toEqual([
      'warning gross.md: body: took longer than 20 s to render; published as plain text',
      'warning gross.md: body: took longer than 20 s to render; published as plain text',
      'gross.md: body rendered as written again (its render had run out of time)',
    ])
    // Rendered as written, it is kept as any other body.
    now += 100 * TIMED_OUT_KEPT_MS
    expect(await bodies.body(article('gross.md'))).toBe(again)
    expect(renders()).toBe(3)
  })

  it('names each file whose body a document was given not as written (out of time, unreadable) until the file changes, also once it rendered as written', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')], ['klein.md', text('Kurz.\n')]])
    const { article } = setUp(files)
    const { renderer } = timingOut(1)
    let now = 0
    const source = { readBody: async (file: string) => (files.has(file) ? parseArticle(files.get(file) as string, file, options) : undefined) }
    const bodies = new RenderedBodies({ source, renderer, siteUrl: options.siteUrl, media: () => undefined, logger: { info: () => {}, warn: () => {} }, now: () => now })
    const gross = article('gross.md')
    const klein = article('klein.md')
    files.delete('klein.md')
    await bodies.itemSource([gross, klein])
    expect([...bodies.notAsWritten].sort()).toEqual([['gross.md', '/wirtschaft/gross.html'], ['klein.md', '/wirtschaft/klein.html']])
    // Rendered as written in the background: the documents made before still hold the plain text.
    now = TIMED_OUT_KEPT_MS
    await bodies.body(gross)
    await new Promise((resolve) => setImmediate(resolve))
    expect((await bodies.body(gross)).html).toBe('<p>Ein <em>Absatz</em>.</p>')
    expect([...bodies.notAsWritten.keys()].sort()).toEqual(['gross.md', 'klein.md'])
    bodies.forget('gross.md')
    expect([...bodies.notAsWritten.keys()]).toEqual(['klein.md'])
    bodies.forgetAll()
    expect(bodies.notAsWritten.size).toBe(0)
  })

  it('waits at most a day between two renders of a body that always runs out of time', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')]])
    const { renderer, renders } = timingOut(Infinity)
    let now = 0
    const bodies = new RenderedBodies({ source: { readBody: async (file) => parseArticle(files.get(file) as string, file, options) }, renderer, siteUrl: options.siteUrl, media: () => undefined, logger: { info: () => {}, warn: () => {} }, now: () => now })
    const article = () => parseArticle(files.get('gross.md') as string, 'gross.md', options).article
    await bodies.body(article())
    const day = 24 * 60 * 60_000
    // 10 min, 20, 40 … 1,280, then a day (not 2,560 min), and a day again.
    for (const wait of [1, 2, 4, 8, 16, 32, 64, 128].map((times) => times * TIMED_OUT_KEPT_MS).concat([day, day])) {
      const before = renders()
      now += wait - 1
      await bodies.body(article())
      now += 1
      await bodies.body(article())
      await new Promise((resolve) => setImmediate(resolve))
      expect([wait, renders() - before]).toEqual([wait, 1])
    }
  })

  it('renders a timed-out body again by itself once due, with no document asking, and says so (onRenderedAgain)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')]])
    const { renderer, renders } = timingOut(1)
    let now = 0
    const again: string[] = []
    const bodies = new RenderedBodies({
      source: { readBody: async (file) => parseArticle(files.get(file) as string, file, options) },
      renderer,
      siteUrl: options.siteUrl,
      media: () => undefined,
      logger: { info: () => {}, warn: () => {} },
      now: () => now,
      onRenderedAgain: (article) => void again.push(article.path),
    })
    const article = () => parseArticle(files.get('gross.md') as string, 'gross.md', options).article
    expect((await bodies.body(article())).html).toBe('<p>Ein *Absatz*.</p>')
    now = TIMED_OUT_KEPT_MS
    vi.advanceTimersByTime(TIMED_OUT_KEPT_MS - 1)
    expect(renders()).toBe(1)
    // Before: only a document asking for it rendered it again, and the current feeds ask only when their window changes.
    vi.advanceTimersByTime(1)
    await vi.waitFor(() => expect(again).toEqual([article().path]))
    expect([renders(), (await bodies.body(article())).html]).toEqual([2, '<p>Ein <em>Absatz</em>.</p>'])
  })

  it('tries a timed-out body found unreadable again only as late as before, not at each request: a retry per document, and a warning each', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')]])
    const { renderer, renders } = timingOut(1)
    // The file cannot be read for a while (a folder whose permissions a deploy changes): its last metadata stays.
    let reads = 0
    let readable = true
    const logged: string[] = []
    let now = 0
    const bodies = new RenderedBodies({
      source: { readBody: async (file) => { reads += 1; if (!readable) throw new Error('EACCES: permission denied'); return parseArticle(files.get(file) as string, file, options) } },
      renderer,
      siteUrl: options.siteUrl,
      media: () => undefined,
      logger: { info: (line) => logged.push(line), warn: (line) => logged.push(line) },
      now: () => now,
    })
    const article = parseArticle(files.get('gross.md') as string, 'gross.md', options).article
    const settled = () => new Promise((resolve) => setImmediate(resolve))
    const plain = await bodies.body(article)
    readable = false
    now = TIMED_OUT_KEPT_MS
    for (let request = 0; request < 3; request++) {
      expect(await bodies.body(article)).toBe(plain)
      await settled()
    }
    // Before: 4 reads and 3 warnings, one per request for as long as the file could not be read.
    expect(reads).toBe(2)
    readable = true
    now += TIMED_OUT_KEPT_MS - 1
    await bodies.body(article)
    await settled()
    expect(reads).toBe(2)
    now += 1
    await bodies.body(article)
    await settled()
    expect([(await bodies.body(article)).html, reads, renders()]).toEqual(['<p>Ein <em>Absatz</em>.</p>', 3, 2])
    expect(logged).toEqual([
      'warning gross.md: body: took longer than 20 s to render; published as plain text',
      'body of gross.md unavailable: EACCES: permission denied',
      'gross.md: body rendered as written again (its render had run out of time)',
    ])
  })

  it('keeps the plain text of a body that ran out of time when 2,000 others push it out: rendered again only when due', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')], ...Array.from({ length: 2000 }, (_, n) => [`a${n}.md`, text(`Text ${n}.\n`)] as const)])
    // gross.md's body always takes longer than the time limit.
    let slow = 0
    const renderer: Renderer = {
      ...RENDER_IN_THREAD,
      body: (markdown, url, site) =>
        bodyOrPlainText(markdown, () => (markdown.includes('Absatz') ? ((slow += 1), Promise.reject(new WorkerTimeoutError(20_000))) : RENDER_IN_THREAD.body(markdown, url, site)), () => Promise.reject(new Error('none'))),
    }
    let now = 0
    const bodies = new RenderedBodies({ source: { readBody: async (file) => parseArticle(files.get(file) as string, file, options) }, renderer, siteUrl: options.siteUrl, media: () => undefined, logger: { info: () => {}, warn: () => {} }, now: () => now })
    const article = (file: string) => parseArticle(files.get(file) as string, file, options).article
    const plain = await bodies.body(article('gross.md'))
    // A crawl of the archive: 2,000 other bodies, the most kept.
    await bodies.itemSource([...files.keys()].filter((file) => file !== 'gross.md').map(article))
    now = TIMED_OUT_KEPT_MS - 1
    // Before: rendered again at once, the document waiting the time limit (20 s) for it.
    expect([await bodies.body(article('gross.md')), slow]).toEqual([plain, 1])
    expect((await bodies.itemSource([article('gross.md')])).incomplete).toBe(true)
    now += 1
    expect(await bodies.body(article('gross.md'))).toBe(plain)
    await new Promise((resolve) => setImmediate(resolve))
    expect(slow).toBe(2)
  })

  it('keeps the mark of a body that ran out of time when its retry finds no render worker: no line says it rendered, and it is tried again', async () => {
    const files = new Map([['gross.md', text('Ein *Absatz*.\n')]])
    // The first render runs out of time; the retry finds no worker (the host's threads used up); the next renders.
    let renders = 0
    const renderer: Renderer = {
      ...RENDER_IN_THREAD,
      body: (markdown, url, site) => {
        renders += 1
        const failure = renders === 1 ? new WorkerTimeoutError(20_000) : renders === 2 ? new WorkerStartError(new Error('EAGAIN')) : undefined
        return bodyOrPlainText(markdown, () => (failure ? Promise.reject(failure) : RENDER_IN_THREAD.body(markdown, url, site)), () => Promise.reject(new Error('none')))
      },
    }
    const logged: string[] = []
    let now = 0
    const bodies = new RenderedBodies({ source: { readBody: async (file) => parseArticle(files.get(file) as string, file, options) }, renderer, siteUrl: options.siteUrl, media: () => undefined, logger: { info: (line) => logged.push(line), warn: (line) => logged.push(line) }, now: () => now })
    const article = parseArticle(files.get('gross.md') as string, 'gross.md', options).article
    const settled = () => new Promise((resolve) => setImmediate(resolve))
    const plain = await bodies.body(article)
    now = TIMED_OUT_KEPT_MS
    await bodies.body(article)
    await settled()
    // Still the plain text, incomplete, and tried again (twice as late): taken as rendered, it was plain text for good.
    expect([await bodies.body(article), (await bodies.itemSource([article])).incomplete, renders]).toEqual([plain, true, 2])
    now += 2 * TIMED_OUT_KEPT_MS
    await bodies.body(article)
    await settled()
    expect([(await bodies.body(article)).html, renders]).toEqual(['<p>Ein <em>Absatz</em>.</p>', 3])
    expect(logged).toEqual([
      'warning gross.md: body: took longer than 20 s to render; published as plain text',
      'warning gross.md: body: could not be rendered (cannot start a worker: EAGAIN); published as plain text',
      'gross.md: body rendered as written again (its render had run out of time)',
    ])
  })

  it("takes no mark from a render of a version forgotten meanwhile: a new version's timed-out plain text is rendered again TIMED_OUT_KEPT_MS later", async () => {
    let now = 0
    const files = new Map([['gross.md', text('Alt *eins*.\n')]])
    // The old version's render ends when the test says; the new version's first render runs out of time, later ones do not.
    let finishOld!: () => void
    let newRenders = 0
    const renderer: Renderer = {
      ...RENDER_IN_THREAD,
      body: async (markdown, url, site): Promise<BodyRendering> => {
        if (markdown.startsWith('Alt')) {
          await new Promise<void>((resolve) => (finishOld = resolve))
          return RENDER_IN_THREAD.body(markdown, url, site)
        }
        if (++newRenders === 1) return { html: '<p>Neu *zwei*.</p>', excerpt: 'Neu *zwei*.', problem: 'took longer than 20 s to render; published as plain text', timedOut: true }
        return RENDER_IN_THREAD.body(markdown, url, site)
      },
    }
    const bodies = new RenderedBodies({ source: { readBody: async (file) => parseArticle(files.get(file) as string, file, options) }, renderer, siteUrl: options.siteUrl, media: () => undefined, logger: { info: () => {}, warn: () => {} }, now: () => now })
    const article = () => parseArticle(files.get('gross.md') as string, 'gross.md', options).article
    const old = bodies.body(article())
    // The file changes while its old version renders.
    files.set('gross.md', text('Neu *zwei*.\n'))
    bodies.forget('gross.md')
    expect((await bodies.body(article())).html).toBe('<p>Neu *zwei*.</p>')
    // The old version's render ends now, rendered as written. Before: it cleared the new version's mark, whose plain
    // text was then kept until the file changed again.
    finishOld()
    expect((await old).html).toBe('<p>Alt <em>eins</em>.</p>')
    now = TIMED_OUT_KEPT_MS
    await bodies.body(article())
    await new Promise((resolve) => setImmediate(resolve))
    expect([(await bodies.body(article())).html, newRenders]).toEqual(['<p>Neu <em>zwei</em>.</p>', 2])
  })
})
