import { describe, expect, it } from 'vitest'
import { BodiesNotAsWritten } from '../../src/site/bodies-not-as-written.js'
import { articleKey, SITE_KEY } from '../../src/site/cache-keys.js'

describe('BodiesNotAsWritten', () => {
  it('finds the documents that name the key of an article whose body was not as written, and names them in one line an article', () => {
    // The store's map grows while the export runs: a body that runs out of time half-way counts from then on.
    const articles = new Map([['wirtschaft/bank.md', '/wirtschaft/bank.html']])
    const documents = new BodiesNotAsWritten(articles)
    const bank = articleKey('/wirtschaft/bank.html')
    const zins = articleKey('/wirtschaft/zins.html')
    expect(documents.shown('wirtschaft/zins.html', [SITE_KEY, zins])).toBe(false)
    expect(documents.shown('wirtschaft/bank.html', [SITE_KEY, bank])).toBe(true)
    articles.set('zins.md', '/wirtschaft/zins.html')
    expect(documents.shown('wirtschaft/feed.xml', [SITE_KEY, zins, bank])).toBe(true)
    for (const file of ['wirtschaft/atom.xml', 'index.html', 'wirtschaft/feed.json']) documents.shown(file, [bank])
    expect(documents.shown('404.html', [SITE_KEY])).toBe(false)
    expect(documents.lines()).toEqual([
      'warning wirtschaft/bank.md: body: not exported as written this time (plain text, or empty); the next export renders the 5 documents that show it again: index.html, wirtschaft/atom.xml, wirtschaft/bank.html and 2 more',
      'warning zins.md: body: not exported as written this time (plain text, or empty); the next export renders the document that shows it again: wirtschaft/feed.xml',
    ])
  })

  it('finds none, and says nothing, when every body was written', () => {
    const documents = new BodiesNotAsWritten(new Map())
    expect(documents.shown('wirtschaft/bank.html', [articleKey('/wirtschaft/bank.html')])).toBe(false)
    expect(documents.lines()).toEqual([])
  })
})
