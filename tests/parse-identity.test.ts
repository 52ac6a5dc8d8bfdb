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
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module script, without types
import { PARSE_ROOTS, parseIdentity } from '../scripts/build.mjs'
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
    for (const file of ['src/content/parse-article.ts', 'src/content/front-matter.ts', 'src/content/load-articles.ts', 'src/content/file-stamps.ts', 'src/store/compact-articles.ts', 'src/store/snapshot-rows.ts', 'src/store/racy-entries.ts', 'src/content/body-digest.ts', 'src/main.ts', 'src/store/content-store.ts']) {
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

  it('refuses a project of the service where every root is gone (all renamed at once)', async () => {
    const roots = PARSE_ROOTS as string[]
    for (const root of roots) fs.renameSync(path.join(project.dir, root), path.join(project.dir, `${root}.moved`))
    try {
      await expect(parseIdentity(project.dir)).rejects.toThrow(`PARSE_ROOTS and PARSE_COMPOSITION name ${roots.join(', ')}, which is not there`)
    } finally {
      for (const root of roots) fs.renameSync(path.join(project.dir, `${root}.moved`), path.join(project.dir, root))
    }
  })

  // Hostile reviews of this round: a wrapper module added to the chain (as ops.timedSource was) is hashed only through
  // the line that calls it, and a later change to the wrapper alone kept the identity. The type checker finds what
  // the chain calls, however it is written (another statement, a namespace import, the hand-over to ContentStore).
  it('holds the module of every function the source chain before the snapshot calls (main.ts, content-store.ts)', async () => {
    const { inputs } = (await parseIdentity(project.dir)) as { inputs: string[] }
    const modules = sourceChainModules(project.dir)
    expect(modules).toEqual(expect.arrayContaining(['src/ops/timed-source.ts', 'src/content/article-source.ts', 'src/store/compact-articles.ts']))
    expect(modules.filter((module) => !inputs.includes(module))).toEqual([])
  })

  it('finds a wrapper from a module outside the identity in the chain, however main.ts writes it', () => {
    const wrapper = 'src/site/tagged.ts'
    project.write(wrapper, "import type { ArticleSource } from '../content/article-source.js'\nexport const tagged = (source: ArticleSource): ArticleSource => source\n")
    try {
      const ways = [
        (text: string) => text.replace('const source = timedSource(', 'const source = tagged(timedSource(').replace('(time) => ops.saved(time))', '(time) => ops.saved(time)))'),
        (text: string) => text.replace('const source = timedSource(fileSource(config.articlesDir, config),', 'const files = tagged(fileSource(config.articlesDir, config))\n  const source = timedSource(files,'),
        (text: string) => text.replace('new ContentStore({ config, source,', 'new ContentStore({ config, source: tagged(source),'),
      ]
      for (const [index, way] of ways.entries()) {
        const main = path.join(project.dir, 'src/main.ts')
        const before = fs.readFileSync(main, 'utf8')
        const after = way(before)
        expect(after, `way ${index}`).not.toBe(before)
        fs.writeFileSync(main, `import { tagged } from './site/tagged.js'\n${after}`)
        try {
          expect(sourceChainModules(project.dir), `way ${index}`).toContain(wrapper)
        } finally {
          fs.writeFileSync(main, before)
        }
      }
    } finally {
      fs.rmSync(path.join(project.dir, wrapper))
    }
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
    // A path in the code that looks like where node_modules lies is code all the same (modulesWherever).
    const somewhere = (where: string) => identityWith('src/store/index-snapshot.ts', (text) => `${text}\nexport const SOMEWHERE = '${where}'\n`)
    expect(await somewhere('../a/node_modules/')).not.toBe(await somewhere('../../b/c/node_modules/'))
    // A page's text: no article parses differently.
    expect(await identityWith('src/site/pages.ts', (text) => text.replace("rss: 'RSS'", "rss: 'RSS 2.0'"))).toBe(first)
    expect(await identity()).toBe(first)
  })
})

const COMPILER_OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }

/**
 * A compiler host that parses the declarations of node_modules (TypeScript's lib files, @types/node, the
 * dependencies' types) once for every program of this file, as an editor's language service does: no test edits
 * them, and parsing them again took 2-3 s of each sourceChainModules. The project's own files are read each time.
 */
const compilerHost = ((): ts.CompilerHost => {
  const host = ts.createCompilerHost(COMPILER_OPTIONS)
  const parsed = new Map<string, ts.SourceFile | undefined>()
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!fileName.includes('/node_modules/')) return getSourceFile(fileName, languageVersion, onError, shouldCreate)
    if (!parsed.has(fileName)) parsed.set(fileName, getSourceFile(fileName, languageVersion, onError, shouldCreate))
    return parsed.get(fileName)
  }
  return host
})()

/**
 * The modules (relative to `root`) of the functions the chain of sources before the index snapshot calls: what
 * main.ts hands ContentStore as `source`, and the arguments of content-store.ts's call of snapshotSource; local
 * variables that hold a source or a function are followed to their values. A callback's body is not: what it
 * gives back is for the code it is given to, which is in the identity itself.
 */
function sourceChainModules(root: string): string[] {
  const files = ['src/main.ts', 'src/store/content-store.ts'].map((file) => path.join(root, file))
  const program = ts.createProgram(files, COMPILER_OPTIONS, compilerHost)
  const checker = program.getTypeChecker()
  const starts: ts.Node[] = []
  const find = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && node.expression.getText() === 'ContentStore') {
      const options = node.arguments?.[0]
      if (options && ts.isObjectLiteralExpression(options)) for (const property of options.properties) if (property.name?.getText() === 'source') starts.push(property)
    }
    if (ts.isCallExpression(node) && node.expression.getText() === 'snapshotSource') starts.push(...node.arguments)
    ts.forEachChild(node, find)
  }
  for (const file of files) find(program.getSourceFile(file) as ts.SourceFile)
  expect(starts.length).toBe(7) // main.ts's `source`, snapshotSource's six arguments
  const modules = new Set<string>()
  const followed = new Set<ts.Node>()
  const follows = (node: ts.Node): boolean => {
    const type = checker.getTypeAtLocation(node)
    return type.getCallSignatures().length > 0 || type.getProperty('readForIndex') !== undefined
  }
  const visit = (node: ts.Node): void => {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return
    if (ts.isShorthandPropertyAssignment(node)) {
      const value = checker.getShorthandAssignmentValueSymbol(node)?.valueDeclaration
      if (value) follow(value)
    } else if (ts.isIdentifier(node) && follows(node)) {
      const value = checker.getSymbolAtLocation(node)?.valueDeclaration
      if (value) follow(value)
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression
      let symbol = checker.getSymbolAtLocation(callee)
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol)
      const declared = symbol?.declarations?.[0]?.getSourceFile().fileName
      if (declared && !declared.includes('/node_modules/')) modules.add(path.relative(root, declared))
    }
    ts.forEachChild(node, visit)
  }
  const follow = (declaration: ts.Declaration): void => {
    if (followed.has(declaration) || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return
    followed.add(declaration)
    visit(declaration.initializer)
  }
  for (const start of starts) visit(start)
  return [...modules].sort()
}
