/**
 * Which build parses the articles, as the index snapshot is checked by it
 * (content/build-identity.ts). Hostile review of stop 34: the time-zone and
 * ICU data were not part of it, and they decide what a `date:` without an
 * offset means in SITE_TZ; Node built against the system's ICU takes a
 * tzdata update without another version of its own. The same for the
 * export's build digest, which decides what a repeated export renders again.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { buildIdentity } from '../../src/content/build-identity.js'
import { buildStamp } from '../../src/export.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const temps: { rm: () => void }[] = []
afterEach(() => {
  for (const temp of temps.splice(0)) temp.rm()
})

/** A built project: dist/.build-stamp, dist/.parse-identity and package-lock.json; its entry point's URL. */
function built(): { main: string; write: (file: string, text: string) => string } {
  const project = makeTempDir('build-identity-')
  temps.push(project)
  project.write('dist/.build-stamp', '2026-12-04T20:00:00.000Z\n')
  project.write('dist/.parse-identity', 'parse-1\n')
  project.write('package-lock.json', '{}\n')
  return { main: pathToFileURL(path.join(project.dir, 'dist/main.js')).href, write: project.write }
}

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
  it('is another for other time-zone or ICU data, the same for the same build', () => {
    const { main } = built()
    const identity = buildIdentity(main)
    expect(identity).toBeDefined()
    expect(buildIdentity(main)).toBe(identity)
    expect(withVersion('tz', '1999z', () => buildIdentity(main))).not.toBe(identity)
    expect(withVersion('icu', '1.0', () => buildIdentity(main))).not.toBe(identity)
  })

  it("is another for other time-zone or ICU data in the export's build digest too (its documents' dates)", () => {
    const stamp = buildStamp({ siteUrl: 'https://www.example.de/' })
    expect(buildStamp({ siteUrl: 'https://www.example.de/' })).toBe(stamp)
    expect(withVersion('tz', '1999z', () => buildStamp({ siteUrl: 'https://www.example.de/' }))).not.toBe(stamp)
  })

  // Issue 14: it was the build's time stamp, so every deploy (the same source built again included) read every file at its start.
  it('is the same for another build of the same parsing code (another stamp, other dependencies elsewhere), another for other parsing code', () => {
    const { main, write } = built()
    const identity = buildIdentity(main)
    write('dist/.build-stamp', '2026-12-05T08:00:00.000Z\n')
    write('package-lock.json', '{"lockfileVersion":3}\n')
    expect(buildIdentity(main)).toBe(identity)
    write('dist/.parse-identity', 'parse-2\n')
    expect(buildIdentity(main)).not.toBe(identity)
  })

  it('is none for a service that runs unbuilt (no parse identity, or an empty one)', () => {
    const { main, write } = built()
    write('dist/.parse-identity', '')
    expect(buildIdentity(main)).toBeUndefined()
    fs.rmSync(new URL('./.parse-identity', main))
    expect(buildIdentity(main)).toBeUndefined()
  })
})
