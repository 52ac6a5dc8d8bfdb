import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import {
  ANY_KEY,
  archiveKey,
  archiveKeys,
  articleKey,
  authorKey,
  cacheKey,
  FEED_KEY,
  feedKeys,
  limitKey,
  missingKeys,
  NEWS_SITEMAP_KEY,
  PODCAST_KEY,
  SITEMAP_KEY,
  sitemapPartKey,
  mediaKey,
  tagKey,
  wideKey,
} from '../../src/site/cache-keys.js'
import { articleKeyFacts, versionDigest } from '../../src/site/article-key-facts.js'
import { changedKeys, changedKeysInTurns } from '../../src/site/key-changes.js'
import { keyVersions, type KeyVersionInput } from '../../src/site/key-versions.js'
import { loadConfig } from '../../src/config.js'
import { planSite } from '../../src/site/build-site.js'
import { makeArticle, publishedOf } from '../helpers/article-fixtures.js'
import { seenAtTurns, spin } from '../helpers/loop-delay.js'

const DAY = new Date('2026-01-01T00:00:00Z')
const article = (slug: string, tags: string[] = [], authors: string[] = []): Article =>
  ({ path: `/wirtschaft/${slug}.html`, tags, authors, enclosure: undefined, image: undefined, date: DAY, updated: DAY }) as unknown as Article

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
  // Past the news sitemap's 48 hours for every article: it lists the index page.
  now: new Date('2026-06-01T00:00:00Z'),
  sitemapUrls: 50_000,
  mediaPrefix: 'https://www.example.de/media/',
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

  it('never gives a tag or author the key of another one\'s wide view (`t-ezb.all`): of two views in one key, only one\'s version counted', () => {
    expect(tagKey('ezb.all')).toMatch(/^t-[0-9a-f]{12}$/)
    expect(authorKey('Lea.all')).toMatch(/^au-[0-9a-f]{12}$/)
    expect(tagKey('ezb.allianz')).toBe('t-ezb.allianz')
    // A new article tagged `ezb` changes that tag's wide view: purged, though an older one is tagged `ezb.all`.
    const tagged = (slug: string, tag: string) => ({ ...article(slug, [tag]), date: new Date(`2026-01-0${slug.length}T00:00:00Z`) }) as Article
    const [a, b, c] = [tagged('aa', 'ezb'), tagged('b', 'ezb.all'), tagged('ccc', 'ezb')]
    const at = (section: Article[]) => keyVersions(input(section, { feedLimit: 1 }), byPath)
    expect(changedKeys(at([a, b]), at([c, a, b]))).toContain(wideKey(tagKey('ezb')))
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
    expect(missingKeys('/wirtschaft/folge-12/kapitel.json', 'wirtschaft')).toEqual(['site', articleKey('/wirtschaft/folge-12.html')])
    expect(missingKeys('/wirtschaft/folge-12/transkript.html', 'wirtschaft')).toEqual(['site', articleKey('/wirtschaft/folge-12.html')])
    expect(missingKeys('/sitemap-3.xml', 'wirtschaft')).toEqual(['site', sitemapPartKey(3)])
  })

  it('gives an archive page in RSS and Atom, which link to the newer page, a key JSON Feed does not carry', () => {
    expect(archiveKeys(2, 'rss')).toEqual(['p-2', 'p-2.next'])
    expect(archiveKeys(2, 'atom')).toEqual(['p-2', 'p-2.next'])
    expect(archiveKeys(2, 'json')).toEqual(['p-2'])
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
      [ANY_KEY, FEED_KEY, SITEMAP_KEY, articleKey('/wirtschaft/a.html'), archiveKey(1), tagKey('EZB'), `${tagKey('EZB')}.all`, authorKey('Wirtschaftsredaktion'), `${authorKey('Wirtschaftsredaktion')}.all`, ...Array.from({ length: 500 }, (_, i) => limitKey(i + 1))].sort(),
    )
  })

  it('leaves ?limit=1 alone when the second article goes', () => {
    const section = [article('a'), article('b'), article('c')]
    const changed = changedKeys(keyVersions(input(section), byPath), keyVersions(input([section[0] as Article, section[2] as Article]), byPath))
    expect(changed).not.toContain(limitKey(1))
    expect(changed).toContain(limitKey(2))
    expect(changed).toContain(articleKey('/wirtschaft/b.html'))
  })

  it('purges the sitemap part an article is added to, and the index, not the parts before', () => {
    const oldestFirst = ['a', 'b', 'c', 'd'].map((slug) => article(slug))
    const at = (published: Article[]) => keyVersions(input([...published].reverse(), { published, sitemapUrls: 2 }), byPath)
    // Two URLs a file: a b | c d | the index page; a fifth article joins the last.
    const same = changedKeys(at(oldestFirst), at([...oldestFirst, article('e')]))
    // The index lists each part's newest lastmod: a newer article changes it.
    const newer = { ...article('e'), date: new Date('2026-02-01T00:00:00Z') } as Article
    const changed = changedKeys(at(oldestFirst), at([...oldestFirst, newer]))
    expect(same.filter((key) => key.startsWith('sitemap'))).toEqual([sitemapPartKey(3)])
    expect(changed.filter((key) => key.startsWith('sitemap'))).toEqual([SITEMAP_KEY, sitemapPartKey(3)])
  })

  it('purges the news sitemap when its last article turns 48 hours old, and leaves the sitemap alone', () => {
    const fresh = { ...article('neu'), date: new Date('2026-06-01T00:00:00Z'), updated: new Date('2026-06-01T00:00:00Z') } as Article
    const at = (now: string) => keyVersions(input([fresh], { now: new Date(now) }), byPath)
    expect(changedKeys(at('2026-06-02T23:59:59Z'), at('2026-06-03T00:00:00Z'))).toEqual([ANY_KEY, NEWS_SITEMAP_KEY])
    expect(changedKeys(at('2026-06-01T00:00:00Z'), at('2026-06-02T23:59:59Z'))).toEqual([])
  })

  it('purges a tag view’s key when its last article loses the tag', () => {
    const before = keyVersions(input([article('a', ['EZB'])]), byPath)
    const after = keyVersions(input([article('a', [])]), articleKeyFacts((a) => `v2 ${a.path}`))
    expect(changedKeys(before, after)).toContain(tagKey('EZB'))
  })

  it('purges the audio and transcript file of an episode edited to plus, which a CDN keeps for MEDIA_MAX_AGE, and again when it is free', () => {
    const episode = (access: 'free' | 'plus'): Article =>
      ({
        ...article('folge-13'),
        access,
        enclosure: { url: 'https://www.example.de/media/folge%2013.mp3', type: 'audio/mpeg', length: 1 },
        transcript: { url: 'https://www.example.de/media/folge-13.vtt', type: 'text/vtt' },
      }) as unknown as Article
    const free = keyVersions(input([episode('free')]), byPath)
    const plus = keyVersions(input([episode('plus')]), byPath)
    const files = [mediaKey('folge 13.mp3'), mediaKey('folge-13.vtt')].sort()
    const mediaOf = (keys: string[]) => keys.filter((key) => key.startsWith('m-'))
    expect(mediaOf(changedKeys(free, plus))).toEqual(files)
    expect(mediaOf(changedKeys(plus, free))).toEqual(files)
    expect(changedKeys(plus, keyVersions(input([episode('plus')]), byPath))).toEqual([])
  })

  it('gives articles with the same tags and byline one list of view keys, each key one string (held per article: 200 B an article, 10 MB at 50,000)', () => {
    const facts = articleKeyFacts((a) => a.path)
    const [a, b, c, d] = [article('a', ['EZB', 'Börse'], ['Lea Voigt']), article('b', ['ezb', 'Börse'], ['Lea Voigt']), article('c', ['Börse']), article('d', ['Börse'])]
    const views = (one: Article): readonly string[] => facts.of(one, 'Wirtschaftsredaktion').views
    expect(views(a)).toEqual(['t-ezb', tagKey('Börse'), authorKey('Lea Voigt')])
    // The same keys (tags folded as filters compare them): the same list.
    expect(views(b)).toBe(views(a))
    expect(views(d)).toBe(views(c))
    expect(views(c)).toEqual([tagKey('Börse'), authorKey('Wirtschaftsredaktion')])
    expect(views(c)[0]).toBe(views(a)[1])
    // Past the lists it keeps, it makes them anew, and each is still right.
    const many = Array.from({ length: 10_050 }, (_, i) => article(`m${i}`, [`thema-${i}`]))
    for (const one of many) expect(views(one)).toEqual([`t-thema-${many.indexOf(one)}`, authorKey('Wirtschaftsredaktion')])
    expect(views(article('e', ['EZB', 'Börse'], ['Lea Voigt']))).toEqual(views(a))
  })

  it('versions an article by 64 bits of its SHA-256, 16 hex digits in a string of its own (a whole digest held 48 B more an article)', () => {
    const text = JSON.stringify({ title: 'Börsenbericht: „Dax schließt fester“', price: '12 €' })
    expect(versionDigest(text)).toBe(createHash('sha256').update(text).digest('hex').slice(0, 16))
    expect(versionDigest(`${text} `)).not.toBe(versionDigest(text))
  })

  it('purges the sitemap when an article’s lastmod changes, not when only its title does, nor the archive page it is on', () => {
    const section = [article('a'), article('b'), article('c')]
    const retitled = [{ ...section[0], title: 'Neu' } as Article, section[1] as Article, section[2] as Article]
    const updated = [{ ...section[0], updated: new Date('2026-03-01T00:00:00Z') } as Article, section[1] as Article, section[2] as Article]
    const at = (articles: Article[]) => keyVersions(input(articles, { archivePages: 1, published: [...articles].reverse() }), byPath)
    expect(changedKeys(at(section), at(retitled))).toEqual([])
    expect(changedKeys(at(section), at(updated))).toEqual([ANY_KEY, SITEMAP_KEY])
    // The same articles in another order: the archive page shows them so.
    const reordered = [section[0] as Article, section[2] as Article, section[1] as Article]
    expect(changedKeys(at(section), at(reordered))).toContain(archiveKey(1))
  })
})

describe('planSite and key versions', () => {
  it('works them out when first asked (a CDN purge), once, and not at all otherwise: at 50,000 articles they took ~150 ms of every edit', () => {
    const articles = ['a', 'b', 'c'].map((slug, i) => makeArticle(slug, { date: `2025-0${i + 1}-01T06:00:00Z`, tags: ['EZB'] }))
    let asked = 0
    const counting = articleKeyFacts((a) => {
      asked += 1
      return a.path
    })
    const published = { publishedSection: () => [...articles].reverse(), publishedCount: () => 3, nextPublication: () => undefined, publishedPages: () => articles }
    const plan = planSite(published, new Date('2026-01-01T00:00:00Z'), loadConfig({ SITE_URL: 'https://www.example.de/' }), counting)
    expect(asked).toBe(0)
    expect(plan.keys.get(articleKey('/wirtschaft/b.html'))).toBe('/wirtschaft/b.html')
    expect(plan.keys).toBe(plan.keys)
    expect(asked).toBe(3)
  })

  it('works them out with the event loop turning (warmKeys), a slice of articles at a time: the first edit of 50,000 with a CDN held every answer 1.2 s', async () => {
    const articles = Array.from({ length: 2500 }, (_, i) => makeArticle(`m${i}`, { date: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }))
    let asked = 0
    // As long as a version takes at 50,000 (the fields as JSON, the body's digest, SHA-256): some 20 µs.
    const counting = articleKeyFacts((a) => {
      asked += 1
      spin(0.02)
      return a.path
    })
    const published = publishedOf(articles)
    const plan = planSite(published, new Date('2026-01-01T00:00:00Z'), loadConfig({ SITE_URL: 'https://www.example.de/' }), counting)
    // What other work sees of the event loop meanwhile: how many articles were done at each of its turns.
    const seen = await seenAtTurns(() => asked, () => plan.warmKeys())
    expect(asked).toBe(2500)
    expect(seen.filter((done) => done > 0 && done < 2500).length).toBeGreaterThanOrEqual(2)
    expect(plan.keys.get(articleKey('/wirtschaft/m7.html'))).toBe('/wirtschaft/m7.html')
    expect(asked).toBe(2500)
  })

  it('works an edit\'s out with the event loop turning too, though every article\'s facts are known: at 50,000 they held every answer 50–100 ms', async () => {
    const articles = Array.from({ length: 2500 }, (_, i) => makeArticle(`m${i}`, { date: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(), tags: [`t${i % 40}`] }))
    const known = articleKeyFacts((a) => a.path)
    const published = publishedOf(articles)
    const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
    const now = new Date('2026-01-01T00:00:00Z')
    for (const article of articles) known.of(article, config.section.author)
    // What the versions ask of the facts, each known, as long as it takes at 50,000 (a list of 2,500 takes 50).
    let asked = 0
    const slow = { of: (article: Article, deskAuthor: string) => (asked++, spin(0.01), known.of(article, deskAuthor)) }
    const plan = planSite(published, now, config, slow)
    const seen = await seenAtTurns(
      () => asked,
      () => {
        const warmed = plan.warmKeys()
        expect(plan.warmKeys()).toBe(warmed)
        return warmed
      },
    )
    // Turns while the lists (the archive pages, the sitemap, the views) were worked out, past a first pass over the articles.
    expect(seen.filter((done) => done > articles.length && done < asked).length).toBeGreaterThanOrEqual(5)
    // The same versions as worked out in one go (the getter, as a stop asks them).
    expect(plan.keys).toEqual(planSite(published, now, config, known).keys)
    expect(plan.keys.size).toBeGreaterThan(2500)
  })

  it('works the keys changed between two states out with the event loop turning too (changedKeysInTurns): at 50,000, in one go, 13–50 ms an edit', async () => {
    const versions = (edited: number) => new Map(Array.from({ length: 5000 }, (_, i) => [`a-${i}`, i === edited ? 'neu' : `v${i}`]))
    const before = versions(-1)
    before.set('t-weg', 'v')
    // As long as a comparison takes at 50,000 keys, twice over: some 0.25 µs; here 10 µs, so that 5,000 take 50 ms.
    let asked = 0
    const slow = new Map(versions(4711))
    const get = slow.get.bind(slow)
    const has = slow.has.bind(slow)
    slow.get = (key: string) => (asked++, spin(0.01), get(key))
    slow.has = (key: string) => (asked++, spin(0.01), has(key))
    const seen = await seenAtTurns(() => asked, () => changedKeysInTurns(slow, before).then((changed) => expect(changed).toEqual(['a-4711', 't-weg', ANY_KEY].sort())))
    expect(seen.filter((done) => done > 0 && done < asked).length).toBeGreaterThanOrEqual(3)
    // The same keys as in one go, both ways round.
    expect(await changedKeysInTurns(before, versions(4711))).toEqual(changedKeys(before, versions(4711)))
    expect(await changedKeysInTurns(versions(4711), before)).toEqual(changedKeys(versions(4711), before))
  })
})
