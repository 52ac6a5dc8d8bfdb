/**
 * Co-authors in the readers people run (issue #11.3). An RSS item names its
 * authors in one `dc:creator`, as a German list: newsboat kept only the last
 * of several, sfeed, rss2email, rss-parser and feedparser's `author` (what
 * feed2exec shows) only the first. Atom and JSON Feed keep one author per person.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readXmlFeeds } from '../helpers/consumers.js'
import { newsboat, rss2email, rssParserItems, sfeed, withBundledSite } from '../helpers/real-clients.js'

/** articles/mittelstand-energiepreise.md: `author: [Jonas Albrecht, Miriam Okafor]`. */
const TITLE = '„Wir zahlen doppelt“: Mittelständler ächzen unter Energiepreisen'
const BOTH = 'Jonas Albrecht und Miriam Okafor'

const site = withBundledSite('co-authors-')
let rssUrl: string
let atomUrl: string
let rss: string
let atom: string

beforeAll(async () => {
  rssUrl = `${site.base()}/wirtschaft/feed.xml`
  atomUrl = `${site.base()}/wirtschaft/atom.xml`
  rss = await (await fetch(rssUrl)).text()
  atom = await (await fetch(atomUrl)).text()
})

describe('an item by two authors, in RSS', () => {
  it('newsboat stores both names as its author', () => {
    const reader = newsboat(path.join(site.dir(), 'newsboat'))
    reader.subscribe([rssUrl])
    const state = reader.reload()
    expect(state.items.find((item) => item.title === TITLE)?.author).toBe(BOTH)
    // A single author stays as written.
    expect(state.items.find((item) => item.title.startsWith('Digitaler Euro'))?.author).toBe('Paul Lindner')
  })

  it('sfeed stores both names in its author field', () => {
    expect(sfeed(site.dir(), rss).find((item) => item.title === TITLE)?.author).toBe(BOTH)
  })

  it('rss-parser gives both names as the item\'s creator', async () => {
    const item = (await rssParserItems(rss)).find((entry) => entry.title === TITLE)
    expect(item?.creator).toBe(BOTH)
  })

  it('feedparser gives both names as the entry\'s author, which feed2exec shows', () => {
    const entry = readXmlFeeds([{ body: rss, contentType: 'application/rss+xml' }])[0]!.entries.find((e) => e.title?.value === TITLE)
    expect(entry?.author).toBe(BOTH)
  })

  it('rss2email names both in From:, with the address it falls back to', () => {
    const r2e = rss2email(path.join(site.dir(), 'rss2email-rss'))
    r2e.add('wirtschaft', rssUrl)
    const message = r2e.run().messages.find((m) => m.subject === TITLE)
    expect(message?.from).toBe(`"Wirtschaft – Beispielzeitung: ${BOTH}" <user@rss2email.invalid>`)
  })
})

describe('an item by two authors, in Atom', () => {
  it('keeps one author per person, in order, each with the registry\'s address', () => {
    const entry = readXmlFeeds([{ body: atom, contentType: 'application/atom+xml' }])[0]!.entries.find((e) => e.title?.value === TITLE)
    expect(entry?.authors).toEqual(['Jonas Albrecht', 'Miriam Okafor'])
  })

  it('rss2email names one of them in From: the last, with that author\'s address (docs/readers.md says so)', () => {
    const r2e = rss2email(path.join(site.dir(), 'rss2email-atom'))
    r2e.add('wirtschaft', atomUrl)
    const message = r2e.run().messages.find((m) => m.subject === TITLE)
    expect(message?.from).toBe('"Wirtschaft – Beispielzeitung: Miriam Okafor" <miriam.okafor@example.de>')
  })
})
