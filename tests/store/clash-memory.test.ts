/**
 * What ArticleClashes (store/article-clashes.ts) holds for every article
 * (issue 14: bytes per article), beside the articles the index holds anyway.
 * A Map of 20,000 entries has room for 32,768: 46 bytes an entry. A map of
 * slugs and one of ids per category are needed; one of every file's name
 * once normalised (146 bytes an article in all, now 100) was not: nearly every name
 * is its own normal form, and the index knows the file of that name
 * (store/name-forms.ts). Measured in a process of its own: in a test worker
 * shared with other files, a collection of their garbage inside the window
 * made it 20.
 */
import { describe, expect, it } from 'vitest'
import { measuredInOwnProcess } from '../helpers/own-process.js'

const MEASURE = `
import { ArticleClashes } from './src/store/article-clashes.ts'
const count = 20_000
const byFile = new Map()
for (let n = 0; n < count; n++) {
  const file = \`2026/meldung-\${n}.md\`
  byFile.set(file, { file, slug: \`meldung-\${n}\`, id: \`tag:www.example.de,2026:wirtschaft/meldung-\${n}\`, draft: false, categories: ['wirtschaft'] })
}
const before = await settled()
const clashes = new ArticleClashes((file) => byFile.get(file))
for (const article of byFile.values()) clashes.add(article)
const perArticle = ((await settled()) - before) / count
// What it is for: a file named as another in NFD is still held back, naming the other.
for (const file of ['Börse.md', 'Börse.md'.normalize('NFD')]) {
  const article = { file, slug: file, id: \`urn:x:\${file}\`, draft: false, categories: ['wirtschaft'] }
  byFile.set(file, article)
  clashes.add(article)
}
clashes.refresh(clashes.sharingFiles())
console.log(JSON.stringify({ perArticle, clashing: [...clashes.files()] }))
`

// What a category keeps once no file is in it any more (an edit that moved the article, a deletion): nothing.
const CATEGORIES_GONE = `
import { ArticleClashes } from './src/store/article-clashes.ts'
const count = 20_000
const byFile = new Map()
const clashes = new ArticleClashes((file) => byFile.get(file))
const before = await settled()
for (let n = 0; n < count; n++) {
  const file = \`2026/meldung-\${n}.md\`
  const article = { file, slug: \`meldung-\${n}\`, id: \`urn:x:\${n}\`, draft: false, categories: [\`ressort-\${n}\`] }
  byFile.set(file, article)
  clashes.add(article)
  byFile.delete(file)
  clashes.replace(article, undefined, new Set())
}
const perCategory = ((await settled()) - before) / count
// Read after the measure, so that the table itself is alive through it (collected, it would measure 0 with or without the fix).
console.log(JSON.stringify({ perCategory, clashing: [...clashes.files()] }))
`

describe('ArticleClashes: memory', () => {
  it('keeps nothing of a category no file is in any more (a soak run at 50,000 articles: 480 bytes each, for good)', () => {
    const { perCategory, clashing } = measuredInOwnProcess<{ perCategory: number; clashing: string[] }>(CATEGORIES_GONE)
    expect(clashing).toEqual([])
    // About 0 (noise of a few bytes); 480 when each category's maps stayed.
    expect(perCategory).toBeLessThan(60)
  })

  it('holds under 135 bytes an article for 20,000 articles of plain names (their slugs and ids), none a map entry for its name', () => {
    const { perArticle, clashing } = measuredInOwnProcess<{ perArticle: number; clashing: string[] }>(MEASURE)
    expect(clashing).toEqual(['Börse.md'.normalize('NFD')])
    expect(perArticle).toBeGreaterThan(40)
    // About 100; 155 with a map entry per name. 120 failed once on Node 24 in .ci/run (123.6 bytes, a measure's noise).
    expect(perArticle).toBeLessThan(135)
  })
})
