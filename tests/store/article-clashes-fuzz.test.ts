/** ArticleClashes (store/article-clashes.ts): after random adds, replacements and removes, every file's clash, error and warnings are those a fresh load of the same articles gives. */
import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { ArticleClashes } from '../../src/store/article-clashes.js'

/** Names that are one name once normalised (ö and o + U+0308; K and the Kelvin sign; Å, A + U+030A and the Ångström sign), and others. */
const NAMES = ['a.md', 'b.md', 'x/ö.md', 'x/o\u0308.md', 'K.md', '\u212a.md', 'Å.md', 'A\u030a.md', '\u212b.md', 'c.md', 'd/e.md']

function clashesOver(byFile: Map<string, Article>): ArticleClashes {
  return new ArticleClashes((file) => byFile.get(file))
}

function stateOf(clashes: ArticleClashes): unknown[] {
  return [[...clashes.files()].sort(), ...NAMES.map((file) => [file, clashes.has(file), clashes.error(file)?.problems ?? null, clashes.warnings(file)])]
}

describe('ArticleClashes under random changes', () => {
  it('settles every file as a load of the same articles does', () => {
    let seed = 14
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
    const articleOf = (file: string): Article => {
      const slug = pick(['zinsen', 'euro', 'dax'])
      return {
        file,
        slug,
        id: random() < 0.5 ? `tag:example.org,2026:${slug}` : pick(['urn:x:1', 'urn:x:2']),
        draft: random() < 0.3,
        categories: random() < 0.3 ? ['wirtschaft', 'boerse'] : [pick(['wirtschaft', 'boerse'])],
      } as unknown as Article
    }
    let clashing = 0
    for (let run = 0; run < 150; run++) {
      const byFile = new Map<string, Article>()
      const clashes = clashesOver(byFile)
      for (let step = 0; step < 15; step++) {
        const file = pick(NAMES)
        // As ArticleIndex#change does: the file's article replaced (its keys in common kept in place), added, or removed.
        const old = byFile.get(file)
        const next = random() < 0.7 ? articleOf(file) : undefined
        const touched = new Set(next ? [file] : [])
        if (next) byFile.set(file, next)
        else byFile.delete(file)
        if (old) clashes.replace(old, next, touched)
        else if (next) clashes.add(next, touched)
        clashes.refresh(touched)
        const loaded = new Map(byFile)
        const fresh = clashesOver(loaded)
        for (const article of loaded.values()) fresh.add(article)
        fresh.refresh(fresh.sharingFiles())
        expect(stateOf(clashes)).toEqual(stateOf(fresh))
        clashing += [...clashes.files()].length
      }
    }
    // The runs made clashes of every kind, not an empty index.
    expect(clashing).toBeGreaterThan(1000)
  })
})
