/**
 * How many render workers the service's pool runs (main.ts: oneUntilServing): one while the first site renders,
 * then a second only once a task finds the first busy. A restart that is not edited holds one worker's heap the
 * fewer (issue 14: 17–20 MB of the peak 8 s after a restart at 50,000 articles).
 */
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { createRenderPool, type RenderPool } from '../../src/site/render-pool.js'
import { polled } from '../helpers/polled.js'
import { builtRenderPool } from '../helpers/render-pool.js'

let pool: RenderPool | undefined
const starts: number[] = []
const counted = (worker: Worker): void => void starts.push(worker.threadId)

afterEach(async () => {
  process.off('worker', counted)
  starts.length = 0
  await pool?.close()
  pool = undefined
})

const body = (text: string) => (pool as RenderPool).body(text, 'https://www.example.de/a.html', 'https://www.example.de/').then((rendered) => rendered.html)

describe('the service’s render workers', () => {
  it('are one until the service serves, then a second starts only when a task finds the first busy', async () => {
    process.on('worker', counted)
    pool = builtRenderPool({ size: 2, eager: true, oneUntilServing: true, lowPriority: 'once serving' })
    expect(await Promise.all([body('Eins.'), body('Zwei.')])).toEqual(['<p>Eins.</p>', '<p>Zwei.</p>'])
    expect(starts).toHaveLength(1)
    pool.serving()
    // One at a time (a request's page, a feed after an edit): the first worker takes each.
    expect(await body('Drei.')).toBe('<p>Drei.</p>')
    expect(await body('Vier.')).toBe('<p>Vier.</p>')
    expect(starts).toHaveLength(1)
    // Tasks at once: the second starts, and the first goes on meanwhile.
    expect(await Promise.all([body('Fünf.'), body('Sechs.'), body('Sieben.')])).toEqual(['<p>Fünf.</p>', '<p>Sechs.</p>', '<p>Sieben.</p>'])
    expect(starts).toHaveLength(2)
  })

  it('says why a second could not start, once, and renders on the first', async () => {
    process.on('worker', counted)
    const failures: string[] = []
    pool = createRenderPool({
      entry: new URL('../fixtures/workers/render-worker-once.mjs', import.meta.url),
      size: 2,
      eager: true,
      oneUntilServing: true,
      lowPriority: 'once serving',
      onSpareFailed: (error) => void failures.push(error.message),
    })
    expect(await body('Eins.')).toBe('<p>Eins.</p>')
    pool.serving()
    expect(await Promise.all([body('Zwei.'), body('Drei.'), body('Vier.')])).toEqual(['<p>Zwei.</p>', '<p>Drei.</p>', '<p>Vier.</p>'])
    expect(await Promise.all([body('Fünf.'), body('Sechs.')])).toEqual(['<p>Fünf.</p>', '<p>Sechs.</p>'])
    // The first may have rendered them all before the second's failure arrives.
    expect(await polled(() => [...failures], (said) => said.length > 0)).toEqual(['cannot load'])
    expect(await Promise.all([body('Sieben.'), body('Acht.')])).toEqual(['<p>Sieben.</p>', '<p>Acht.</p>'])
    // None tried again once one failed, and it was said once.
    expect([starts.length, failures]).toEqual([2, ['cannot load']])
  })
})
