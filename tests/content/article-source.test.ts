import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { fileSource } from '../../src/content/article-source.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

describe('fileSource', () => {
  const temp = makeTempDir('article-source-')
  afterEach(() => temp.rm())

  // mapLimit lets the event loop turn by what its tasks do before their first await. Read after an await, each of
  // the 64 reads in flight ran past that count, and a bulk import of 10,000 files held requests 30-60 ms a turn.
  it('reads a file in the call to readForIndex when no worker reads it ahead', async () => {
    temp.write('neu/zinsen.md', articleText({ title: '"Zinsen: Sparer atmen auf"', date: '2026-11-30T08:00:00Z', category: 'wirtschaft' }))
    const source = fileSource(temp.dir, loadConfig({ ARTICLES_DIR: temp.dir, SITE_URL: 'https://www.example.de/' }))
    const reading = source.readForIndex('neu/zinsen.md')
    const stamp = source.readStamp('neu/zinsen.md')
    expect(stamp, 'the read recorded its stamp before the call returned').toBeDefined()
    expect((await reading)?.article.title).toBe('Zinsen: Sparer atmen auf')
    expect(source.readStamp('neu/zinsen.md')).toBe(stamp)
  })
})
