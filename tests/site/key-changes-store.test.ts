// Plans made by planSite from a real ArticleIndex after random edits, deletions, re-reads (a new object, the same fields)
// and access flips, a few files at once now and then: SitePlan.changedSince must equal changedKeys of both plans' keys.
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { articleKeyFacts, versionDigest } from '../../src/site/article-key-facts.js'
import { planSite, type SitePlan } from '../../src/site/build-site.js'
import { loadConfig } from '../../src/config.js'
import { allSteps } from '../../src/util/event-loop-turns.js'
import { changedKeys } from '../../src/site/key-changes.js'
import { ArticleIndex } from '../../src/store/article-index.js'
import { makeArticle } from '../helpers/article-fixtures.js'
import { seededRandom } from '../helpers/seeded-random.js'

const HOUR = 3_600_000
const START = Date.UTC(2026, 0, 1)
const MEDIA = 'https://www.example.de/media/'
const TAGS = ['EZB', 'ezb', 'Börse', 'Bo\u0308rse', 'Plus', 'plus', 'x.all', 'Wirtschaftsredaktion', 'Ä'.repeat(50)]
const AUTHORS = ['Lea Voigt', 'lea voigt', 'Wirtschaftsredaktion', 'wirtschaftsredaktion']
const FILES = ['a.mp3', 'A.mp3', 'b%20c.mp3', 'shared.mp3', 'x.all']
const CATS = [['wirtschaft'], ['politik'], ['politik', 'wirtschaft'], ['wirtschaft', 'politik']]

describe('keyChanges of plans the store makes (ArticleIndex: drafts, clashes, two categories, one id twice, time back and forth)', () => {
  for (const seed of [1, 2, 3]) it(`equals changedKeys of both plans' versions, seed ${seed}`, () => {
    const rng = seededRandom(seed)
    const config = loadConfig({ SITE_URL: 'https://www.example.de/', FEED_LIMIT: String(1 + rng.int(4)), ARCHIVE_PAGE_SIZE: String(1 + rng.int(4)) })
    const facts = articleKeyFacts((a) => versionDigest(JSON.stringify(a)))
    const index = new ArticleIndex('wirtschaft')
    const files = Array.from({ length: 30 }, (_, n) => `f${n}.md`)
    const make = (file: string): Article => {
      const slug = rng.pick(['s1', 's2', 's3', file.replace('.md', ''), file.replace('.md', '')])
      const cats = rng.pick(CATS)
      const audio = rng.next() < 0.4 ? `${MEDIA}${rng.pick(FILES)}` : undefined
      const base = makeArticle(slug, {
        date: new Date(START + rng.int(120) * HOUR).toISOString(),
        categories: cats,
        tags: TAGS.filter(() => rng.next() < 0.25),
        authors: AUTHORS.filter(() => rng.next() < 0.3),
        access: rng.next() < 0.3 ? 'plus' : 'free',
        draft: rng.next() < 0.1,
        enclosure: audio === undefined ? undefined : { url: audio, type: 'audio/mpeg', length: 1000, duration: undefined },
        transcript: rng.next() < 0.15 ? { url: `${MEDIA}${rng.pick(FILES)}`, type: 'text/vtt' } : undefined,
        updated: rng.next() < 0.3 ? new Date(START + rng.int(160) * HOUR).toISOString() : undefined,
      } as never)
      return { ...base, file, id: rng.next() < 0.2 ? 'same-id' : base.id, title: rng.pick(['A', 'B', 'C']) }
    }
    index.load(files.filter(() => rng.next() < 0.7).map(make))
    let now = START + 100 * HOUR
    let plan: SitePlan = planSite(index, new Date(now), config, facts)
    let nonEmpty = 0
    for (let step = 0; step < 400; step++) {
      const ops = 1 + (rng.next() < 0.2 ? rng.int(6) : 0)
      for (let o = 0; o < ops; o++) {
        const file = rng.pick(files)
        const r = rng.next()
        if (r < 0.6) index.set(make(file))
        else if (r < 0.75) index.delete(file)
        else if (r < 0.9) { const a = index.get(file); if (a) index.set({ ...a }) }
        else { const a = index.get(file); if (a) index.set({ ...a, access: a.access === 'plus' ? 'free' : 'plus' }) }
      }
      if (rng.next() < 0.3) now += (rng.int(20) - 5) * HOUR
      const next = planSite(index, new Date(now), config, facts)
      const expected = changedKeys(plan.keys, next.keys)
      const got = allSteps(next.changedSince(plan))
      expect({ step, got }).toEqual({ step, got: expected })
      if (expected.length) nonEmpty++
      plan = next
    }
    expect(nonEmpty).toBeGreaterThan(120)
  })
})
