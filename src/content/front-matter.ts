import matter from 'gray-matter'
import yaml from 'js-yaml'
import type { ArticleProblem } from '../errors/article-error.js'
import { describeYamlError } from '../errors/describe-issue.js'

/** The front matter (both `---` lines included) is read up to this size; a larger one is refused. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024

export interface FrontMatter {
  readonly data: Record<string, unknown>
  readonly body: string
}

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
  let source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const firstLine = /^[^\r\n]*/.exec(source)?.[0] ?? ''
  // Old-Mac files end their lines with CR alone. YAML and markdown-it read
  // them so; the search for the closing '---' would not: read them as LF.
  if (source.charCodeAt(firstLine.length) === 0x0d && source.charCodeAt(firstLine.length + 1) !== 0x0a) {
    source = source.replace(/\r\n?/g, '\n')
  }
  if (!firstLine.startsWith('---')) {
    return { field: 'front matter', problem: "missing: the file must start with a '---' line, then YAML, then '---'" }
  }
  const language = firstLine.slice(3).trim()
  if (language !== '') {
    return { field: 'front matter', problem: `must be YAML; the opening line asks for "${language}"` }
  }
  const closing = /\r?\n---[ \t]*(?:\r?\n|$)/g
  closing.lastIndex = firstLine.length
  const fence = closing.exec(source)
  if (!fence) return { field: 'front matter', problem: "is not closed by a '---' line" }
  const end = fence.index + fence[0].length
  const bytes = Buffer.byteLength(source.slice(0, end))
  if (bytes > MAX_FRONT_MATTER_BYTES) {
    // Parsing 2 MiB of YAML holds the event loop for half a second; no article needs more than a few KiB.
    const size = `${Math.round(bytes / 1024)} KiB`
    return { field: 'front matter', problem: `is ${size} long; at most 64 KiB are read (the article's text belongs below the closing '---')` }
  }
  try {
    // gray-matter gets the front matter only: it copies its whole input into a
    // Buffer, which for 50,000 bodies costs more than parsing the YAML.
    const file = matter(source.slice(0, end), GRAY_MATTER_OPTIONS)
    const data: unknown = file.data
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      return { field: 'front matter', problem: 'must be a YAML mapping of fields (title: …, date: …)' }
    }
    return { data: data as Record<string, unknown>, body: source.slice(end) }
  } catch (error) {
    if (error instanceof FrontMatterError) return error.problem
    throw error
  }
}

/**
 * YAML 1.2 core schema (js-yaml): no timestamps (dates stay text, read in the
 * site's zone by parse-article.ts), no custom tags, duplicate keys refused.
 * Aliases are shared references, never expanded: an alias "bomb" stays a few
 * objects, and the schema refuses its nested lists where text is expected.
 */
function parseYaml(source: string): object {
  try {
    // A scalar or list is reported by readFrontMatter as "not a mapping".
    return yaml.load(source, { schema: yaml.CORE_SCHEMA }) as object
  } catch (cause) {
    if (!(cause instanceof yaml.YAMLException)) throw cause
    // js-yaml counts lines from 0 and from the end of the '---' line: counted from 1, they are the file's.
    throw new FrontMatterError({ field: 'front matter', problem: `YAML: ${describeYamlError(cause)}` })
  }
}
