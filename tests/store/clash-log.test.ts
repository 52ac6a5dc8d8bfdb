/** A load logs clashes only for the files that share a key; does it log all a full pass would? */
import { describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config.js'
import type { MediaFacts } from '../../src/content/media-info.js'
import { ArticleCatalog } from '../../src/store/article-catalog.js'
import { ArticleIndex } from '../../src/store/article-index.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
const NOW = new Date('2026-01-01T00:00:00Z')
const noMedia: MediaFacts = { info: () => undefined, isLocal: () => false, isMissing: () => false }
const article = (title: string, extra: Record<string, string> = {}) => articleText({ title, date: '2025-01-01T10:00:00Z', category: 'wirtschaft', ...extra })

async function warnedAtLoad(files: Record<string, string>): Promise<string[]> {
  const warned: string[] = []
  const catalog = new ArticleCatalog({
    source: memorySource(new Map(Object.entries(files)), config),
    sectionSlug: 'wirtschaft',
    maxArticles: 100,
    clock: () => NOW,
    logger: { info: () => {}, warn: (line) => void warned.push(line) },
    media: noMedia,
    onFileChanged: () => {},
  })
  await catalog.loadAll()
  return warned
}

const FILES: Record<string, string> = {
  'einzeln.md': article('Einzeln'),
  'a.md': article('A', { slug: 'gleich' }),
  'b.md': article('B', { slug: 'gleich', draft: 'true' }),
  'c.md': article('C', { slug: 'c2', draft: 'true' }),
  'd.md': article('D', { slug: 'c2', draft: 'true' }),
  'x.md': article('X', { slug: 'x1', id: 'tag:example.de,2025:gleich' }),
  'y.md': article('Y', { slug: 'y1', id: 'tag:example.de,2025:gleich' }),
  'z.md': articleText({ title: 'Z', date: '2025-01-01T10:00:00Z', category: 'politik', slug: 'z1', id: 'tag:example.de,2025:gleich' }),
  'mehr.md': articleText({ title: 'M', date: '2025-01-01T10:00:00Z', category: '[wirtschaft, politik]', slug: 'z1' }),
  'B\u00f6rse.md': article('NFC'),
  'Bo\u0308rse.md': article('NFD'),
}

describe('the clash log of a load', () => {
  it('logs at a load exactly what a pass over every file logs (drafts sharing a slug, ids across categories, NFC/NFD names)', async () => {
    const sharing = await warnedAtLoad(FILES)
    const original = ArticleIndex.prototype.load
    const every = vi.spyOn(ArticleIndex.prototype, 'load').mockImplementation(function (this: ArticleIndex, articles) {
      original.call(this, articles)
      return new Set(this.files())
    })
    try {
      expect(sharing).toEqual(await warnedAtLoad(FILES))
    } finally {
      every.mockRestore()
    }
    expect(sharing.length).toBeGreaterThan(4)
  })
})
