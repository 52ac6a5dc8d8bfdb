import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { RenderPool } from '../../src/site/render-pool.js'
import { builtRenderPool } from '../helpers/render-pool.js'

let pool: RenderPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

/** The nice value of every thread of this process (Linux: field 19 of /proc/self/task/ID/stat). */
function niceValues(): number[] {
  return fs.readdirSync('/proc/self/task').map((id) => {
    const stat = fs.readFileSync(`/proc/self/task/${id}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  })
}

describe('render workers’ priority', () => {
  it('is the lowest for the service’s workers, which yield to its event loop', async () => {
    pool = builtRenderPool({ size: 1 })
    expect(await pool.body('Text.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Text.</p>' })
    expect(niceValues()).toContain(19)
  })

  it('is the process’s own for the one urgent worker, which renders the current feeds an edit waits for', async () => {
    pool = builtRenderPool({ size: 1 })
    const before = niceValues().length
    expect(await pool.urgent?.body('Eilig.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Eilig.</p>' })
    expect(niceValues()).toHaveLength(before + 1)
    expect(niceValues()).not.toContain(19)
  })

  it('is the process’s own for the export’s workers, which answer no request', async () => {
    pool = builtRenderPool({ size: 1, lowPriority: false })
    expect(pool.urgent).toBeUndefined()
    expect(await pool.body('Text.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Text.</p>' })
    expect(niceValues()).not.toContain(19)
  })
})

describe('the urgent worker', () => {
  it('answers documents asked for together, each with the bytes a render in this thread gives', async () => {
    const { makeDocument, makeItem } = await import('../helpers/feed-fixtures.js')
    const { RENDER_IN_THREAD } = await import('../../src/site/renderer.js')
    pool = builtRenderPool({ size: 1 })
    const document = makeDocument([makeItem(), makeItem({ id: 'tag:www.example.de,2025:wirtschaft/b', url: 'https://www.example.de/wirtschaft/b.html', title: 'Zweite' })])
    const urgent = pool.urgent
    if (!urgent) throw new Error('no urgent renderer')
    const answers = await Promise.all([urgent.feed(document, 'rss'), urgent.feed(document, 'json'), urgent.feed(document, 'atom')])
    const decoder = new TextDecoder()
    expect(answers.map((bytes) => decoder.decode(bytes as Uint8Array))).toEqual(
      await Promise.all((['rss', 'json', 'atom'] as const).map((format) => RENDER_IN_THREAD.feed(document, format))),
    )
  })
})
