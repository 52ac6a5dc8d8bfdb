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
import { parseIdentity } from '../scripts/build.mjs'
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

  // Hostile reviews of this round: a renamed root, or a renamed content-store.ts, left the identity without a word.
  it.each(['src/store/index-snapshot.ts', 'src/store/content-store.ts'])('refuses a project where %s is gone (renamed): what it held or imported would leave the identity unseen', async (file) => {
    const moved = path.join(project.dir, file)
    fs.renameSync(moved, `${moved}.moved`)
    try {
      await expect(parseIdentity(project.dir)).rejects.toThrow(`PARSE_ROOTS and PARSE_COMPOSITION name ${file}, which is not there`)
    } finally {
      fs.renameSync(`${moved}.moved`, moved)
    }
  })

  // Hostile review of this round: a wrapper module added to the chain (as ops.timedSource was) would be hashed
  // only through the line that calls it; a later change to the wrapper alone kept the identity.
  it('holds the module of every function the source chain before the snapshot is made of (main.ts, content-store.ts)', async () => {
    const { inputs } = (await parseIdentity(project.dir)) as { inputs: string[] }
    const chains = [
      { file: 'src/main.ts', chain: /const source = (.+)\n/ },
      { file: 'src/store/content-store.ts', chain: /this\.#source = (.+)\n/ },
    ]
    const modules: string[] = []
    for (const { file, chain } of chains) {
      const text = fs.readFileSync(path.join(project.dir, file), 'utf8')
      const expression = chain.exec(text)?.[1]
      expect(expression, file).toBeDefined()
      const imported = new Map<string, string>()
      for (const [, names, from] of text.matchAll(/^import \{([^}]+)\} from '(\.[^']+)'/gm)) {
        for (const name of (names as string).split(',').map((part) => part.trim().replace(/^type /, '').split(' as ').pop() as string)) {
          imported.set(name, path.posix.join(path.posix.dirname(file), (from as string).replace(/\.js$/, '.ts')))
        }
      }
      const called = [...(expression as string).matchAll(/(?<![.\w#])(\w+)\(/g)].map((match) => match[1] as string)
      for (const name of called) if (imported.has(name)) modules.push(imported.get(name) as string)
    }
    expect(modules).toEqual(expect.arrayContaining(['src/ops/timed-source.ts', 'src/content/article-source.ts', 'src/store/index-snapshot.ts', 'src/store/compact-articles.ts']))
    expect(modules.filter((module) => !inputs.includes(module))).toEqual([])
  })

  it('is the same wherever node_modules lies (a deploy that links a shared one from another folder)', async () => {
    // The copy links the project's node_modules from another folder; the project has its own (or links it from elsewhere).
    expect(await identity()).toBe(((await parseIdentity(ROOT)) as { identity: string }).identity)
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

