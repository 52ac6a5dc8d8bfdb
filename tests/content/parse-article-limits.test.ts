/**
 * The limits that keep one article file from costing the service more than a
 * moment (issue #10, stalls): tags and authors per article, and the size of
 * the front matter. Each is a documented limit (docs/article-format.md).
 */
import { describe, expect, it } from 'vitest'
import { MAX_FRONT_MATTER_BYTES } from '../../src/content/front-matter.js'
import { MAX_AUTHORS, MAX_TAGS, parseArticle, type ParseArticleOptions } from '../../src/content/parse-article.js'

const options: ParseArticleOptions = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }
const file = (frontMatter: string, body = 'Ein Absatz.\n'): string => `---\n${frontMatter.trim()}\n---\n${body}`
const minimal = 'title: Börse im Blick\ndate: 2025-01-28T09:30:00+01:00\ncategory: wirtschaft'
const list = (field: string, values: readonly string[]): string => `${field}:\n${values.map((value) => `  - ${value}`).join('\n')}`

describe('parseArticle: tags and authors per article', () => {
  it(`publishes the first ${MAX_TAGS} of 2,000 tags and the first ${MAX_AUTHORS} of 1,000 authors, with a warning naming each field`, () => {
    const tags = Array.from({ length: 2000 }, (_, n) => `Thema ${n}`)
    const authors = Array.from({ length: 1000 }, (_, n) => `Autorin ${n}`)
    const { article, warnings } = parseArticle(file(`${minimal}\n${list('tags', tags)}\n${list('author', authors)}`), 'a.md', options)
    expect(MAX_TAGS).toBe(50)
    expect(MAX_AUTHORS).toBe(20)
    expect(article.tags).toEqual(tags.slice(0, 50))
    expect(article.authors).toEqual(authors.slice(0, 20))
    expect(warnings).toEqual([
      { field: 'tags', problem: 'lists 2000 entries; only the first 50 are published' },
      { field: 'author', problem: 'lists 1000 entries; only the first 20 are published' },
    ])
  })

  it('counts repeats once, and says nothing when the list fits once they are dropped', () => {
    const tags = [...Array.from({ length: 50 }, (_, n) => `Thema ${n}`), 'Thema 0', ' Thema 1 ']
    const { article, warnings } = parseArticle(file(`${minimal}\n${list('tags', tags)}`), 'a.md', options)
    expect(article.tags).toHaveLength(50)
    expect(warnings).toEqual([])
  })
})

describe('parseArticle: the size of the front matter', () => {
  it(`refuses front matter over ${MAX_FRONT_MATTER_BYTES / 1024} KiB before parsing it, naming its size`, () => {
    const tags = Array.from({ length: 6000 }, (_, n) => `Thema ${n}`)
    const text = file(`${minimal}\n${list('tags', tags)}`)
    expect(MAX_FRONT_MATTER_BYTES).toBe(64 * 1024)
    expect(() => parseArticle(text, 'wirtschaft/viele.md', options)).toThrow(
      "wirtschaft/viele.md: front matter: is 87 KiB long; at most 64 KiB are read (the article's text belongs below the closing '---')",
    )
  })

  it('reads front matter of just under the limit', () => {
    const summary = 'x'.repeat(MAX_FRONT_MATTER_BYTES - 200)
    // Read, not refused; a summary that long is published cut to its first 1,000 characters (MAX_TEXT_CHARS), and said.
    const { article, warnings } = parseArticle(file(`${minimal}\nsummary: ${summary}`), 'a.md', options)
    expect([article.summary, warnings]).toEqual([`${'x'.repeat(1000)} …`, [{ field: 'summary', problem: `is ${summary.length} characters; only its first 1000 are published, cut at a word` }]])
  })
})
