import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import {
  ANY_KEY,
  articleKeyFacts,
  archiveKey,
  articleKey,
  authorKey,
  cacheKey,
  changedKeys,
  FEED_KEY,
  feedKeys,
  keyVersions,
  limitKey,
  missingKeys,
  PODCAST_KEY,
  tagKey,
  type KeyVersionInput,
} from '../../src/site/cache-keys.js'

const article = (slug: string, tags: string[] = [], authors: string[] = []): Article =>
  ({ path: `/wirtschaft/${slug}.html`, tags, authors, enclosure: undefined, image: undefined }) as unknown as Article

const input = (section: Article[], overrides: Partial<KeyVersionInput> = {}): KeyVersionInput => ({
  section,
  window: section.slice(0, 2),
  episodes: [],
  archivePages: 0,
  published: section,
  feedLimit: 2,
  archivePageSize: 2,
  deskAuthor: 'Wirtschaftsredaktion',
  sectionUpdated: '2026-01-01T00:00:00.000Z',
  ...overrides,
})
const byPath = articleKeyFacts((a) => `v1 ${a.path}`)

describe('cache key names', () => {
  it('keeps short lower-case values and hashes the rest into 12 hex digits', () => {
    expect(cacheKey('t', 'ezb')).toBe('t-ezb')
    expect(cacheKey('t', 'EZB')).toMatch(/^t-[0-9a-f]{12}$/)
    expect(cacheKey('t', 'börse')).toMatch(/^t-[0-9a-f]{12}$/)
    expect(cacheKey('t', 'x'.repeat(41))).toMatch(/^t-[0-9a-f]{12}$/)
    expect(cacheKey('t', 'a b')).toMatch(/^t-[0-9a-f]{12}$/)
  })

  it('folds tags and authors as filters compare them', () => {
    expect(tagKey('EZB')).toBe('t-ezb')
    expect(authorKey('Lea Voigt')).toBe(authorKey('lea voigt'))
  })

  it('names for a 404 what may appear there', () => {
    expect(missingKeys('/wirtschaft/neu.html', 'wirtschaft')).toEqual(['site', articleKey('/wirtschaft/neu.html')])
    expect(missingKeys('/wirtschaft/archiv/3/atom.xml', 'wirtschaft')).toEqual(['site', archiveKey(3)])
    expect(missingKeys('/media/bild%20eins.jpg', 'wirtschaft')).toEqual(['site', 'media', cacheKey('m', 'bild eins.jpg')])
    expect(missingKeys('/media/%E0', 'wirtschaft')).toEqual(['site'])
    expect(missingKeys('/robots.txt', 'wirtschaft')).toEqual(['site'])
  })

  it('gives a feed the keys of the media files whose length it states, and only those under /media/', () => {
    const episode = { ...article('folge'), enclosure: { url: 'https://www.example.de/media/folge%201.mp3' }, image: 'https://cdn.example.org/x.jpg' } as unknown as Article
    expect(feedKeys([PODCAST_KEY], [episode], 'https://www.example.de/media/')).toEqual(['site', 'podcast', articleKey('/wirtschaft/folge.html'), cacheKey('m', 'folge 1.mp3')])
  })
})

describe('keyVersions and changedKeys', () => {
  it('purges nothing when nothing changed, and ANY_KEY with anything', () => {
    const section = [article('a', ['EZB']), article('b'), article('c')]
    expect(changedKeys(keyVersions(input(section), byPath), keyVersions(input(section), byPath))).toEqual([])
    const edited = keyVersions(input(section), articleKeyFacts((a) => (a.path.endsWith('/b.html') ? 'v2' : `v1 ${a.path}`)))
    expect(changedKeys(keyVersions(input(section), byPath), edited)).toEqual([articleKey('/wirtschaft/b.html'), ANY_KEY].sort())
  })

  it('purges the window, the limits, the tag and the page that begins when an article is added', () => {
    const section = [article('b', ['EZB']), article('c'), article('d')]
    const added = [article('a', ['EZB']), ...section]
    const before = keyVersions(input(section, { archivePages: 1 }), byPath)
    const after = keyVersions(input(added, { archivePages: 1 }), byPath)
    expect(changedKeys(before, after)).toEqual(
      [ANY_KEY, FEED_KEY, articleKey('/wirtschaft/a.html'), archiveKey(1), tagKey('EZB'), `${tagKey('EZB')}.all`, authorKey('Wirtschaftsredaktion'), `${authorKey('Wirtschaftsredaktion')}.all`, ...Array.from({ length: 500 }, (_, i) => limitKey(i + 1))].sort(),
    )
  })

  it('leaves ?limit=1 alone when the second article goes', () => {
    const section = [article('a'), article('b'), article('c')]
    const changed = changedKeys(keyVersions(input(section), byPath), keyVersions(input([section[0] as Article, section[2] as Article]), byPath))
    expect(changed).not.toContain(limitKey(1))
    expect(changed).toContain(limitKey(2))
    expect(changed).toContain(articleKey('/wirtschaft/b.html'))
  })

  it('purges a tag view’s key when its last article loses the tag', () => {
    const before = keyVersions(input([article('a', ['EZB'])]), byPath)
    const after = keyVersions(input([article('a', [])]), articleKeyFacts((a) => `v2 ${a.path}`))
    expect(changedKeys(before, after)).toContain(tagKey('EZB'))
  })
})
