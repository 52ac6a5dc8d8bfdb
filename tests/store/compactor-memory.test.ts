/**
 * What the store's compactor (store/compact-articles.ts) keeps of a list of
 * tags or authors once no article holds it: nothing. Edits that give
 * articles tags and authors never seen before (a newsroom's daily work)
 * left each list, its key and its new values in the compactor's tables for
 * the life of the process: ~200 bytes a list, in a soak run at 50,000
 * articles. Measured in a process of its own, as clash-memory.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { measuredInOwnProcess } from '../helpers/own-process.js'

const MEASURE = `
import { articleCompactor } from './src/store/compact-articles.ts'
const compact = articleCompactor()
const article = (n, tags, authors) => ({
  file: \`2026/meldung-\${n}.md\`, id: \`urn:x:\${n}\`, title: 'Titel', summary: undefined, imageAlt: '', lang: 'de',
  date: new Date(0), updated: new Date(0), url: \`https://www.example.de/wirtschaft/meldung-\${n}.html\`, path: \`/wirtschaft/meldung-\${n}.html\`,
  categories: ['wirtschaft'], tags, authors,
})
// Two articles alive with the same lists share them, and keep them shared while they live.
const kept = [compact(article(1, ['Zinsen', 'KI'], ['Lea Voigt'])), compact(article(2, ['Zinsen', 'KI'], ['Lea Voigt']))]
const count = 20_000
const before = await settled()
// Each an edit: the article's new version, with a tag and an author never seen before, replaced by the next (garbage).
for (let n = 0; n < count; n++) compact(article(n, ['Zinsen', \`Neu-\${n}\`], [\`Autorin \${n}\`]))
const perEdit = ((await settled()) - before) / count
const again = compact(article(3, ['Zinsen', 'KI'], ['Lea Voigt']))
console.log(JSON.stringify({ perEdit, shared: kept[0].tags === kept[1].tags && again.tags === kept[0].tags && again.authors === kept[1].authors }))
`

describe('articleCompactor: memory', () => {
  it('keeps nothing of the tag and author lists no article holds any more, and still shares the lists articles hold', () => {
    const { perEdit, shared } = measuredInOwnProcess<{ perEdit: number; shared: boolean }>(MEASURE)
    expect(shared).toBe(true)
    // About 0 (noise of a few bytes); ~400 when each edit's two lists stayed.
    expect(perEdit).toBeLessThan(60)
  })
})
