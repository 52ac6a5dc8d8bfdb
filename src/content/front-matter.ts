import matter from 'gray-matter'
import { parseDocument } from 'yaml'
import type { ArticleProblem } from '../errors/article-error.js'

export interface FrontMatter {
  readonly data: Record<string, unknown>
  readonly body: string
}

/** Aliases beyond this many make a YAML "billion laughs" document; no article needs them. */
const MAX_YAML_ALIASES = 50

/**
 * Thrown by every gray-matter engine but YAML. gray-matter picks its engine
 * from the opening line (`---js` would `eval` the block); we check that line
 * ourselves first, and these make sure no other engine can ever run.
 */
const refuse = (): never => {
  throw new FrontMatterError({ field: 'front matter', problem: 'is not YAML' })
}

const GRAY_MATTER_OPTIONS = {
  language: 'yaml',
  // Passing options also keeps gray-matter from caching every file it has seen.
  engines: {
    yaml: { parse: parseYaml },
    javascript: { parse: refuse },
    js: { parse: refuse },
    json: { parse: refuse },
    coffee: { parse: refuse },
    toml: { parse: refuse },
  },
} as const

class FrontMatterError extends Error {
  readonly problem: ArticleProblem
  constructor(problem: ArticleProblem) {
    super(problem.problem)
    this.problem = problem
  }
}

/**
 * Splits a file into its YAML front matter (parsed with the YAML 1.2 core
 * schema: no timestamps, no custom tags, few aliases) and its Markdown body.
 * Returns the problem instead when the file has no usable front matter.
 */
export function readFrontMatter(text: string): FrontMatter | ArticleProblem {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const firstLine = /^[^\r\n]*/.exec(source)?.[0] ?? ''
  if (!firstLine.startsWith('---')) {
    return { field: 'front matter', problem: "missing: the file must start with a '---' line, then YAML, then '---'" }
  }
  const language = firstLine.slice(3).trim()
  if (language !== '') {
    return { field: 'front matter', problem: `must be YAML; the opening line asks for "${language}"` }
  }
  if (!/\r?\n---[ \t]*(\r?\n|$)/.test(source.slice(firstLine.length))) {
    return { field: 'front matter', problem: "is not closed by a '---' line" }
  }
  try {
    const file = matter(source, GRAY_MATTER_OPTIONS)
    const data: unknown = file.data
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      return { field: 'front matter', problem: 'must be a YAML mapping of fields (title: …, date: …)' }
    }
    return { data: data as Record<string, unknown>, body: file.content }
  } catch (error) {
    if (error instanceof FrontMatterError) return error.problem
    throw error
  }
}

function parseYaml(source: string): object {
  const doc = parseDocument(source, { schema: 'core', uniqueKeys: true, merge: false, prettyErrors: true })
  const fault = doc.errors[0] ?? doc.warnings[0]
  if (fault) {
    // The first line of yaml's message, without its code frame. gray-matter
    // hands over the block from the end of the '---' line, so yaml's line
    // numbers are the file's.
    const message = (fault.message.split('\n')[0] ?? fault.code).replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '')
    const position = fault.linePos?.[0]
    const where = position ? ` at line ${position.line}, column ${position.col}` : ''
    throw new FrontMatterError({ field: 'front matter', problem: `YAML: ${message}${where}` })
  }
  try {
    // A scalar or list is reported by readFrontMatter as "not a mapping".
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as object
  } catch (cause) {
    throw new FrontMatterError({ field: 'front matter', problem: `YAML: ${(cause as Error).message}` })
  }
}
