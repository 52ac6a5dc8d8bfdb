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

  it('is the process’s own for the export’s workers, which answer no request', async () => {
    pool = builtRenderPool({ size: 1, lowPriority: false })
    expect(await pool.body('Text.', 'https://www.example.de/a.html', 'https://www.example.de/')).toMatchObject({ html: '<p>Text.</p>' })
    expect(niceValues()).not.toContain(19)
  })
})
