/**
 * What ArticleClashes (store/article-clashes.ts) holds for every article
 * (issue 14: bytes per article), beside the articles the index holds anyway.
 * A Map of 20,000 entries has room for 32,768: 46 bytes an entry. A map of
 * slugs and one of ids per category are needed; one of every file's name
 * once normalised (146 bytes an article in all, now 100) was not: nearly every name
 * is its own normal form, and the index knows the file of that name
 * (store/name-forms.ts).
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { ArticleClashes } from '../../src/store/article-clashes.js'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

describe('ArticleClashes: memory', () => {
  it('holds under 120 bytes an article for 20,000 articles of plain names (their slugs and ids), none a map entry for its name', () => {
    const count = 20_000
    const byFile = new Map<string, Article>()
    for (let n = 0; n < count; n++) {
      const file = `2026/meldung-${n}.md`
      byFile.set(file, { file, slug: `meldung-${n}`, id: `tag:www.example.de,2026:wirtschaft/meldung-${n}`, draft: false, categories: ['wirtschaft'] } as unknown as Article)
    }
    gc()
    const before = process.memoryUsage().heapUsed
    const clashes = new ArticleClashes((file) => byFile.get(file))
    for (const article of byFile.values()) clashes.add(article)
    gc()
    const perArticle = (process.memoryUsage().heapUsed - before) / count
    // What it is for: a file named as another in NFD is still held back, naming the other.
    const nfc = 'Börse.md'
    const nfd = nfc.normalize('NFD')
    for (const file of [nfc, nfd]) {
      const article = { file, slug: file, id: `urn:x:${file}`, draft: false, categories: ['wirtschaft'] } as unknown as Article
      byFile.set(file, article)
      clashes.add(article)
    }
    clashes.refresh(clashes.sharingFiles())
    expect([...clashes.files()]).toEqual([nfd])
    expect(perArticle).toBeGreaterThan(40)
    expect(perArticle).toBeLessThan(120)
  })
})
