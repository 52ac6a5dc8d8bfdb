import { afterEach, describe, expect, it } from 'vitest'
import type { RenderPool } from '../../src/site/render-pool.js'
import { polled } from '../helpers/polled.js'
import { builtRenderPool } from '../helpers/render-pool.js'
import { niceValues } from '../helpers/threads.mjs'

let pool: RenderPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

describe('render workers’ priority', () => {
  it('is the lowest for the service’s workers, which yield to its event loop', async () => {
    pool = builtRenderPool({ size: 1 })
    expect(await pool.body('Text.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Text.</p>' })
    expect(niceValues()).toContain(19)
  })

  it('is the process’s own for the export’s workers, which answer no request', async () => {
    pool = builtRenderPool({ size: 1, lowPriority: false })
    expect(await pool.body('Text.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Text.</p>' })
    expect(niceValues()).not.toContain(19)
  })

  it('is the process’s own for the service’s workers until it serves, then the lowest, for workers started later too', async () => {
    pool = builtRenderPool({ size: 2, lowPriority: 'once serving' })
    const twoBodies = async (): Promise<string[]> =>
      (await Promise.all(['Eins.', 'Zwei.'].map((text) => (pool as RenderPool).body(text, 'https://www.example.de/a.html', 'https://www.example.de/')))).map((body) => body.html)
    // Two at once: the second worker starts (it takes tasks once loaded); neither yields yet.
    expect(await twoBodies()).toEqual(['<p>Eins.</p>', '<p>Zwei.</p>'])
    expect(niceValues().filter((nice) => nice === 19)).toEqual([])
    pool.serving()
    // A task posted after the notice runs after it, in the worker that takes it; the other applies it as it reads it
    // (the second may still be loading its modules: it reads the notice first).
    expect(await twoBodies()).toEqual(['<p>Eins.</p>', '<p>Zwei.</p>'])
    expect(await polled(() => niceValues().filter((nice) => nice === 19), (lowered) => lowered.length === 2, 10_000)).toEqual([19, 19])
    // A worker started after serving() (on first need, or in place of one that failed) starts at the lowest.
    await pool.close()
    pool = builtRenderPool({ size: 1, lowPriority: 'once serving' })
    pool.serving()
    expect(await pool.body('Text.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Text.</p>' })
    expect(niceValues().filter((nice) => nice === 19)).toEqual([19])
  })
})
