import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { ArticleVersions } from '../../src/store/article-versions.js'
import { memorySource } from '../helpers/memory-source.js'
import { articleText } from '../helpers/temp-dir.js'

const config = loadConfig({ SITE_URL: 'https://www.example.de/' })
const text = (body: string) => articleText({ title: 'Zinsen', date: '2026-01-01T08:00:00Z', category: 'wirtschaft' }, body)

async function versionOf(body: string, versions = new ArticleVersions()): Promise<string> {
  const source = versions.wrap(memorySource(new Map([['zinsen.md', text(body)]]), config))
  const parsed = await source.readForIndex('zinsen.md')
  if (!parsed) throw new Error('not read')
  return versions.facts.of(parsed.article, 'Wirtschaftsredaktion').version
}

describe('ArticleVersions', () => {
  it('changes with the body alone, which the article’s fields do not hold', async () => {
    expect(await versionOf('Erster Absatz.\n')).not.toBe(await versionOf('Zweiter Absatz.\n'))
  })

  it('is the same for the same file read again, by another instance or after a folder swap', async () => {
    expect(await versionOf('Ein Absatz.\n')).toBe(await versionOf('Ein Absatz.\n', new ArticleVersions()))
    expect(await versionOf('Ein Absatz.\n')).toMatch(/^[0-9a-f]{16}$/)
  })
})
