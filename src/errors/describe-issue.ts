import type { z } from 'zod'
import { quoted, shownName } from '../text/display.js'

/** One problem of a validated document: the field (a dotted path) and the problem. */
export interface DescribedIssue {
  readonly field: string
  readonly problem: string
}

const KINDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  record: 'a mapping',
  array: 'a list',
}

/** The fields an object schema knows, for "has unknown fields … (known: …)". */
function knownFields(issue: z.core.$ZodRawIssue): string[] {
  const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape
  return shape ? Object.keys(shape) : []
}

/**
 * A validation problem in the project's words, for what a schema does not
 * word itself: pass it to every safeParse (`{ error: inOurWords }`), so that
 * no message carries the library's text ("Too big: expected number to be
 * <=144") or a regular expression.
 */
export function inOurWords(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : issue.input === null ? 'has no value' : `must be ${KINDS[issue.expected] ?? issue.expected}`
    case 'too_big': {
      const bound = `${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${bound} entries`
      return issue.origin === 'string' ? `must be ${bound} characters long` : `must be ${bound}`
    }
    case 'too_small': {
      const minimum = Number(issue.minimum)
      if (issue.origin === 'array' || issue.origin === 'set') return minimum === 1 ? 'must not be an empty list' : `must have at least ${minimum} entries`
      if (issue.origin === 'string') return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters long`
      if (minimum === 0) return 'must not be negative'
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${minimum}`
    }
    case 'invalid_format':
      return issue.format === 'email' ? 'must be an e-mail address' : 'is not written in the form this field takes'
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`
    case 'unrecognized_keys': {
      const known = knownFields(issue)
      return `has unknown fields ${issue.keys.map(quoted).join(', ')}${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`
    }
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
    case 'invalid_key':
      return 'has a name that is not allowed'
    case 'invalid_element':
      return 'has an entry that is not allowed'
    default:
      return 'is not a value this field takes'
  }
}

/**
 * Where an issue is and what it is. Absent and empty values are told apart
 * whatever the schema says: an absent one "is required", a YAML null (`title:`
 * with nothing after it, `~`) "has no value". A field name that holds a line
 * break or another control is shown quoted, so it cannot forge a log line.
 *
 * @param root the field an issue of the whole document names (`front matter`)
 */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown, root = ''): DescribedIssue {
  let value: unknown = data
  for (const key of issue.path) value = value === null || typeof value !== 'object' ? undefined : (value as Record<PropertyKey, unknown>)[key]
  const problem = value === undefined ? 'is required' : value === null ? 'has no value' : issue.message
  return { field: issue.path.length === 0 ? root : issue.path.map((key) => shownName(String(key))).join('.'), problem }
}

/** A YAML syntax error (js-yaml's YAMLException) as a problem: its reason, and where, counted from 1. */
export function describeYamlError(error: { readonly reason?: string; readonly mark?: { line: number; column: number } }): string {
  const where = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : ''
  return `${error.reason ?? 'cannot be read'}${where}`
}
