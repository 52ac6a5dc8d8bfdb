import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeIssue, inOurWords } from '../../src/errors/describe-issue.js'

/** The first problem of `data` against `schema`, as describeIssue tells it. */
function problemOf(schema: z.ZodType, data: unknown): string {
  const result = schema.safeParse(data, { error: inOurWords })
  if (result.success) throw new Error('expected a problem')
  const { field, problem } = describeIssue(result.error.issues[0] as z.core.$ZodIssue, data)
  return field === '' ? problem : `${field}: ${problem}`
}

describe('inOurWords and describeIssue', () => {
  it.each([
    [z.object({ a: z.string() }), { a: 1 }, 'a: must be text'],
    [z.object({ a: z.number() }), { a: 'x' }, 'a: must be a number'],
    [z.object({ a: z.boolean() }), { a: 'ja' }, 'a: must be true or false'],
    [z.object({ a: z.array(z.string()) }), { a: 'x' }, 'a: must be a list'],
    [z.object({ a: z.object({}) }), { a: 1 }, 'a: must be a mapping of fields'],
    [z.object({ a: z.string() }), {}, 'a: is required'],
    [z.object({ a: z.string().optional() }), { a: null }, 'a: has no value'],
    [z.object({ a: z.number().max(144) }), { a: 300 }, 'a: must be at most 144'],
    [z.object({ a: z.number().lt(10) }), { a: 10 }, 'a: must be less than 10'],
    [z.object({ a: z.number().min(1) }), { a: 0 }, 'a: must be at least 1'],
    [z.object({ a: z.number().nonnegative() }), { a: -1 }, 'a: must not be negative'],
    [z.object({ a: z.number().int() }), { a: 1.5 }, 'a: must be a whole number'],
    [z.object({ a: z.array(z.string()).max(2) }), { a: ['1', '2', '3'] }, 'a: must have at most 2 entries'],
    [z.object({ a: z.array(z.string()).min(1) }), { a: [] }, 'a: must not be an empty list'],
    [z.object({ a: z.string().min(1) }), { a: '' }, 'a: must not be empty'],
    [z.object({ a: z.string().max(3) }), { a: 'abcd' }, 'a: must be at most 3 characters long'],
    [z.object({ a: z.string().regex(/^\d+$/) }), { a: 'x' }, 'a: is not written in the form this field takes'],
    [z.object({ a: z.email() }), { a: 'x' }, 'a: must be an e-mail address'],
    [z.object({ a: z.enum(['x', 'y']) }), { a: 'z' }, 'a: must be one of "x", "y"'],
    [z.object({ a: z.number().multipleOf(5) }), { a: 7 }, 'a: must be a multiple of 5'],
    [z.object({ a: z.string() }).strict(), { a: 'x', b: 1, 'c\n': 2 }, 'has unknown fields "b", "c\\n" (known: a)'],
    [z.object({ a: z.object({ b: z.string() }) }), { a: { b: 1 } }, 'a.b: must be text'],
    [z.object({ a: z.record(z.string(), z.string()) }), { a: { 'x\ny': 1 } }, 'a."x\\ny": must be text'],
  ] as const)('%#: %s', (schema, data, message) => {
    expect(problemOf(schema, data)).toBe(message)
  })
})
