/**
 * Which build parses the articles, as the index snapshot is checked by it
 * (content/build-identity.ts). Hostile review of stop 34: the time-zone and
 * ICU data were not part of it, and they decide what a `date:` without an
 * offset means in SITE_TZ; Node built against the system's ICU takes a
 * tzdata update without another version of its own. The same for the
 * export's build digest, which decides what a repeated export renders again.
 * The parse identity itself (what the build puts into the bundle) is
 * tests/parse-identity.test.ts's and tests/build-script.test.ts's.
 */
import { describe, expect, it } from 'vitest'
import { buildIdentity, BUNDLED_PARSE_IDENTITY } from '../../src/content/build-identity.js'
import { buildStamp } from '../../src/export.js'

/** `process.versions[name]` as `value` while `run` runs. */
function withVersion<T>(name: string, value: string, run: () => T): T {
  const before = Object.getOwnPropertyDescriptor(process.versions, name)
  Object.defineProperty(process.versions, name, { value, configurable: true, enumerable: true, writable: false })
  try {
    return run()
  } finally {
    if (before) Object.defineProperty(process.versions, name, before)
  }
}

describe('buildIdentity', () => {
  it('is another for other time-zone or ICU data, the same for the same parse identity, another for another', () => {
    const identity = buildIdentity('parse-1')
    expect(identity).toMatch(/^[\w-]{43}$/)
    expect(buildIdentity('parse-1')).toBe(identity)
    expect(buildIdentity('parse-2')).not.toBe(identity)
    expect(withVersion('tz', '1999z', () => buildIdentity('parse-1'))).not.toBe(identity)
    expect(withVersion('icu', '1.0', () => buildIdentity('parse-1'))).not.toBe(identity)
  })

  it("is another for other time-zone or ICU data in the export's build digest too (its documents' dates)", () => {
    const stamp = buildStamp({ siteUrl: 'https://www.example.de/' })
    expect(buildStamp({ siteUrl: 'https://www.example.de/' })).toBe(stamp)
    expect(withVersion('tz', '1999z', () => buildStamp({ siteUrl: 'https://www.example.de/' }))).not.toBe(stamp)
  })

  it('is none for a service that runs unbuilt: its code carries no parse identity (the tests run the source)', () => {
    expect(BUNDLED_PARSE_IDENTITY).toBeUndefined()
    expect(buildIdentity()).toBeUndefined()
    expect(buildIdentity('')).toBeUndefined()
  })
})
