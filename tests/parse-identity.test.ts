/**
 * The parse identity (scripts/build.mjs: parseIdentity), which decides
 * whether a restart may take its articles from the index snapshot
 * (content/build-identity.ts). Before, the snapshot was tied to the build's
 * time stamp: every build, the same source built again included, made the
 * next start read every file (7-11 s at 50,000 articles, issue 14). Now it is
 * a digest of the code that reads, parses and holds an article: a change
 * anywhere in that code gives another, a change to pages, feeds or HTTP none.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module script, without types
import { parseIdentity, savedSince } from '../scripts/build.mjs'
import { makeTempDir } from './helpers/temp-dir.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

// A copy of the project's source, built against its dependencies: each test edits it and puts it back.
const project = makeTempDir('parse-identity-')
afterAll(() => project.rm())
fs.cpSync(path.join(ROOT, 'src'), path.join(project.dir, 'src'), { recursive: true })
for (const file of ['package.json', 'tsconfig.json', 'scripts/build.mjs']) fs.cpSync(path.join(ROOT, file), path.join(project.dir, file))
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project.dir, 'node_modules'))

const identity = async (): Promise<string> => ((await parseIdentity(project.dir)) as { identity: string }).identity

/** The identity with `file` edited by `edit` (which must change it), then the file as it was. */
async function identityWith(file: string, edit: (text: string) => string): Promise<string> {
  const target = path.join(project.dir, file)
  const before = fs.readFileSync(target, 'utf8')
  const after = edit(before)
  expect(after).not.toBe(before)
  fs.writeFileSync(target, after)
  try {
    return await identity()
  } finally {
    fs.writeFileSync(target, before)
  }
}

describe('parseIdentity (scripts/build.mjs)', () => {
  it('is made of the code that reads, parses and holds an article, its dependencies included, and of no page, feed or HTTP code', async () => {
    const { inputs } = (await parseIdentity(project.dir)) as { inputs: string[] }
    const own = inputs.filter((file) => file.startsWith('src/'))
    for (const file of ['src/content/parse-article.ts', 'src/content/front-matter.ts', 'src/content/load-articles.ts', 'src/content/file-stamps.ts', 'src/store/compact-articles.ts', 'src/store/snapshot-rows.ts', 'src/store/racy-entries.ts', 'src/store/body-digest.ts', 'src/main.ts', 'src/store/content-store.ts']) {
      expect(own).toContain(file)
    }
    expect(inputs).toContain('scripts/build.mjs')
    expect(inputs.some((file) => /node_modules\/js-yaml\//.test(file))).toBe(true)
    expect(inputs.some((file) => /node_modules\/gray-matter\//.test(file))).toBe(true)
    // Of the operations code, only the source wrapped around the file source before the snapshot (main.ts) and the state file it is kept in.
    expect(own.filter((file) => /^src\/ops\//.test(file))).toEqual(['src/ops/state-file.ts', 'src/ops/timed-source.ts'])
    expect(own.filter((file) => /^src\/(site|feeds|http|cdn|websub|plus)\//.test(file))).toEqual([])
  })

  // Hostile review of this round: ops.timedSource stood in the chain before the snapshot, outside the identity, so
  // a change to what it gave was served from the snapshot after a restart.
  it('is another when a source wrapped around the file source before the snapshot changes (ops/timed-source.ts)', async () => {
    const first = await identity()
    expect(await identityWith('src/ops/timed-source.ts', (text) => text.replace('return await source.readForIndex(file)', 'return { ...(await source.readForIndex(file)) }'))).not.toBe(first)
  })

  it('refuses a project where one of PARSE_ROOTS is gone (renamed): what it imported would leave the identity unseen', async () => {
    const moved = path.join(project.dir, 'src/store/index-snapshot.ts')
    fs.renameSync(moved, `${moved}.moved`)
    try {
      await expect(parseIdentity(project.dir)).rejects.toThrow('PARSE_ROOTS names src/store/index-snapshot.ts, which is not there')
    } finally {
      fs.renameSync(`${moved}.moved`, moved)
    }
  })

  it('is the same for the same source, another when the parsing or the rows change, the same when a page changes', async () => {
    const first = await identity()
    expect(first).toMatch(/^[\w-]{43}$/)
    expect(await identity()).toBe(first)
    // What an article publishes at most: its tags as held differ.
    expect(await identityWith('src/content/parse-article.ts', (text) => text.replace('export const MAX_TAGS = 50', 'export const MAX_TAGS = 51'))).not.toBe(first)
    // How the source chain is put together (a transform before the snapshot would change what it holds).
    expect(await identityWith('src/store/content-store.ts', (text) => `${text}\n// another composition\n`)).not.toBe(first)
    // A page's text: no article parses differently.
    expect(await identityWith('src/site/pages.ts', (text) => text.replace("rss: 'RSS'", "rss: 'RSS 2.0'"))).toBe(first)
    expect(await identity()).toBe(first)
  })
})

// Hostile review of this round: a source saved while a build ran could give bundles of one version and an identity
// of another (each esbuild run reads the files at its own moment); the build now writes nothing then.
describe('savedSince (scripts/build.mjs)', () => {
  it('names the files saved since the build began, and those gone; not older ones, plugin modules or times ahead of the clock', () => {
    const files = makeTempDir('saved-since-')
    try {
      const at = (file: string, ms: number) => fs.utimesSync(files.write(file, 'x'), new Date(ms), new Date(ms))
      const since = Date.now() - 60_000
      at('old.ts', since - 1000)
      at('saved.ts', since + 1000)
      at('ahead.ts', Date.now() + 3_600_000)
      expect(savedSince(files.dir, ['old.ts', 'saved.ts', 'gone.ts', 'ahead.ts', 'gray-matter-yaml:gray-matter-yaml'], since)).toEqual(['saved.ts', 'gone.ts'])
    } finally {
      files.rm()
    }
  })
})
