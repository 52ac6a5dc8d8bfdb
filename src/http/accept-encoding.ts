import type { ContentCoding } from '../caching.js'
import { qValueOf } from './accept.js'

/** Below the smallest q-value a client can send (0.001). */
const IDENTITY_BY_DEFAULT = 0.0005

/** Our preference when the client likes several equally: smallest first. */
const PREFERENCE: readonly (ContentCoding | 'identity')[] = ['br', 'gzip', 'identity']

/**
 * Picks the content coding for a response (RFC 9110 §12.5.3): the available
 * coding with the highest q-value, `*` standing for codings not named, and
 * identity acceptable unless excluded by `identity;q=0` or `*;q=0`. Ties go
 * to the smaller encoding. When nothing is acceptable the answer is identity:
 * the server then "disregards the header field" rather than answering 406.
 */
export function chooseEncoding(header: string | undefined, available: readonly ContentCoding[]): ContentCoding | 'identity' {
  if (header === undefined || available.length === 0) return 'identity'
  const weights = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';')
    const coding = name.trim().toLowerCase()
    if (coding === '') continue
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, qValueOf(params))
  }
  const star = weights.get('*')
  const weightOf = (coding: ContentCoding | 'identity'): number => {
    const own = weights.get(coding)
    if (own !== undefined) return own
    if (star !== undefined) return star
    // Not named: identity stays acceptable, but any coding the client asked for comes first.
    return coding === 'identity' ? IDENTITY_BY_DEFAULT : 0
  }
  let best: ContentCoding | 'identity' = 'identity'
  let bestWeight = 0
  for (const coding of PREFERENCE) {
    if (coding !== 'identity' && !available.includes(coding)) continue
    const weight = weightOf(coding)
    if (weight > bestWeight) {
      best = coding
      bestWeight = weight
    }
  }
  return best
}
