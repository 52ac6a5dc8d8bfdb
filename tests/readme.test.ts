import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Keeps the README's map true (issue #16): the architecture section names
// exactly the folders under src/, every docs/ file is reachable from the
// README, and the README stays a front door, not a reference.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAX_LINES = 250

/** The text of one `## ` section, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`)
  if (start === -1) throw new Error(`README has no "## ${heading}" section`)
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '))
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n')
}

/** Folders a text names as `src/<name>/`, sorted. */
function namedSrcFolders(text: string): string[] {
  return [...new Set([...text.matchAll(/\bsrc\/([a-z0-9-]+)\//g)].map((match) => match[1] ?? ''))].sort()
}

/** Files under `docs/` a Markdown text links to (anchors dropped), sorted. */
function linkedDocs(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/\]\((?:\.\/)?docs\/([^)#\s]+)(?:#[^)\s]*)?\)/g)].map((match) => match[1] ?? ''))].sort()
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length
}

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.md')).map((entry) => entry.name).sort()
}

const readme = readFileSync(`${ROOT}README.md`, 'utf8')

describe('the README', () => {
  it('names in its architecture map exactly the folders that exist under src/', () => {
    expect(namedSrcFolders(section(readme, 'Architecture'))).toEqual(folders(`${ROOT}src`))
  })

  it('links to every file in docs/', () => {
    const linked = new Set(linkedDocs(readme))
    expect(markdownFiles(`${ROOT}docs`).filter((file) => !linked.has(file))).toEqual([])
  })

  it('links to no docs/ file that does not exist', () => {
    const existing = new Set(markdownFiles(`${ROOT}docs`))
    expect(linkedDocs(readme).filter((file) => !existing.has(file))).toEqual([])
  })

  it(`is under ${MAX_LINES} lines`, () => {
    expect(lineCount(readme)).toBeLessThan(MAX_LINES)
  })
})

describe('the checks on the README', () => {
  const map = '## Architecture\n\n- `src/content/`: files\n- `src/feeds/`: feeds; see src/config.ts\n\n## Documentation\n\n- `src/store/`\n'

  it('read only the architecture section, and no file names', () => {
    expect(namedSrcFolders(section(map, 'Architecture'))).toEqual(['content', 'feeds'])
  })

  it('would see a folder that the map leaves out or one it invents', () => {
    const named = namedSrcFolders(section(map, 'Architecture'))
    expect(named).not.toEqual(['content', 'feeds', 'store'])
    expect(named).not.toEqual(['content'])
  })

  it('find links to docs/ files with and without an anchor, and ignore other links', () => {
    const text = '[a](docs/http.md), [b](docs/security.md#limits), [c](./docs/podcast.md), [d](https://example.de/docs/x.md), docs/plain.md'
    expect(linkedDocs(text)).toEqual(['http.md', 'podcast.md', 'security.md'])
  })

  it('count lines as an editor does, with or without a final newline', () => {
    expect(lineCount('a\nb\n')).toBe(2)
    expect(lineCount('a\nb')).toBe(2)
  })

  it('fail loudly when the architecture section is missing', () => {
    expect(() => section('# Title\n\n## Usage\n', 'Architecture')).toThrow('README has no "## Architecture" section')
  })
})

/** The environment variables a Markdown table names in its first column (`| \`PORT\`, \`HOST\` | …`), sorted. */
function tableVariables(markdown: string): string[] {
  const rows = markdown.split('\n').filter((line) => line.startsWith('| `'))
  const names = rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1] ?? ''))
  return [...new Set(names)].sort()
}

describe('docs/contract.md', () => {
  const configuration = readFileSync(`${ROOT}docs/configuration.md`, 'utf8')
  const contract = readFileSync(`${ROOT}docs/contract.md`, 'utf8')

  it('names, in its tables, every variable docs/configuration.md lists', () => {
    expect(tableVariables(configuration)).toContain('CDN_MAX_AGE')
    expect(tableVariables(contract)).toEqual(tableVariables(configuration))
  })

  it('reads variables from the first column only, several to a row', () => {
    expect(tableVariables('| `A_B`, `CD` | `DE` |\n| Start | `EF` |\n`FG`\n')).toEqual(['A_B', 'CD'])
  })
})

/** GitHub's anchor of a heading (github-slugger): lower case, punctuation dropped (an en dash too), spaces as hyphens. */
const slugOf = (heading: string): string =>
  heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')

/** The anchors of a Markdown file's headings, a repeated one as GitHub numbers it (`-1`, `-2`). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = fenced ? undefined : /^#{1,6} (.+?)\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const slug = slugOf(heading)
    const times = seen.get(slug) ?? 0
    seen.set(slug, times + 1)
    anchors.add(times === 0 ? slug : `${slug}-${times}`)
  }
  return anchors
}

describe('links to a heading (README.md, docs/)', () => {
  it('computes the anchors GitHub gives (an en dash dropped, not made a hyphen)', () => {
    expect([...anchorsOf('## The tenth round (2026-12-02, 15:15–18:15 UTC)\n## Memory: what a host can set\n## `npm start`\n## Memory: what a host can set\n')]).toEqual([
      'the-tenth-round-2026-12-02-15151815-utc',
      'memory-what-a-host-can-set',
      'npm-start',
      'memory-what-a-host-can-set-1',
    ])
  })

  it('each lead to a heading of the file they name', () => {
    const files = ['README.md', ...markdownFiles(`${ROOT}docs`).map((name) => `docs/${name}`)]
    const anchors = new Map(files.map((file) => [file, anchorsOf(readFileSync(`${ROOT}${file}`, 'utf8'))]))
    const broken: string[] = []
    for (const file of files) {
      const dir = file.includes('/') ? 'docs/' : ''
      for (const [, target, anchor] of readFileSync(`${ROOT}${file}`, 'utf8').matchAll(/\]\(((?:\.\/)?[\w./-]*?\.md)?#([^)\s]+)\)/g)) {
        const named = target === undefined ? file : (dir + target.replace(/^\.\//, '')).replace(/^docs\/\.\.\//, '')
        const known = anchors.get(named)
        if (known && !known.has(anchor ?? '')) broken.push(`${file}: ${named}#${anchor}`)
      }
    }
    expect(broken).toEqual([])
  })
})
