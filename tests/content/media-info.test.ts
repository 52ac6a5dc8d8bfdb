/**
 * createMediaInfo and createMediaFacts on real files: what the feeds may
 * publish about a file under MEDIA_DIR (its length, its pixel size).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMediaFacts, createMediaInfo } from '../../src/content/media-info.js'
import { makeTempDir } from '../helpers/temp-dir.js'
import { testApp } from '../helpers/test-app.js'

const SITE = 'https://www.example.de/'
/** A GIF whose header says `width` × `height` pixels. */
const gif = (width: number, height: number) =>
  Buffer.concat([Buffer.from('GIF89a'), Buffer.from([width & 0xff, width >> 8, height & 0xff, height >> 8, 0, 0, 0, 0x3b])])

let media: ReturnType<typeof makeTempDir>
beforeEach(() => {
  media = makeTempDir('media-info-')
})
afterEach(() => media.rm())

// Issue #10, point 11: Media RSS and the lead <img> got width="0"; readers show nothing of such an image.
describe('images without pixels', () => {
  it('measures an image of no width or height as it is, and warns once per version of the file, naming its URL', () => {
    media.write('leer.gif', gif(0, 16))
    media.write('flach.gif', gif(16, 0))
    media.write('gut.gif', gif(16, 9))
    const warned: string[] = []
    const info = createMediaInfo(media.dir, SITE, (line) => warned.push(line))
    expect([info(`${SITE}media/leer.gif`), info(`${SITE}media/flach.gif`), info(`${SITE}media/gut.gif`)]).toEqual([
      { length: 14, width: 0, height: 16 },
      { length: 14, width: 16, height: 0 },
      { length: 14, width: 16, height: 9 },
    ])
    info(`${SITE}media/leer.gif`)
    expect(warned).toEqual([
      `warning ${SITE}media/leer.gif: image: is 0 × 16 px; left out of every feed, where readers would show nothing`,
      `warning ${SITE}media/flach.gif: image: is 16 × 0 px; left out of every feed, where readers would show nothing`,
    ])
  })

  it('warns through createMediaFacts too', () => {
    media.write('leer.gif', gif(0, 0))
    const warned: string[] = []
    createMediaFacts(media.dir, SITE, (line) => warned.push(line)).info(`${SITE}media/leer.gif`)
    expect(warned).toEqual([`warning ${SITE}media/leer.gif: image: is 0 × 0 px; left out of every feed, where readers would show nothing`])
  })
})

// Issue #10, point 12: the feeds published the size of a link's target even where /media/ refuses to serve it.
describe('media behind symbolic links: known only where /media/ serves them', () => {
  let outside: ReturnType<typeof makeTempDir>
  beforeEach(() => {
    outside = makeTempDir('media-outside-')
    outside.write('geheim.mp3', 'x'.repeat(4321))
    media.write('echt.mp3', 'y'.repeat(1234))
    media.write('ordner/datei.mp3', 'z'.repeat(99))
    fs.symlinkSync(path.join(media.dir, 'echt.mp3'), path.join(media.dir, 'innen.mp3'))
    fs.symlinkSync(path.join(outside.dir, 'geheim.mp3'), path.join(media.dir, 'draussen.mp3'))
    fs.symlinkSync(path.join(media.dir, '..', path.basename(outside.dir), 'geheim.mp3'), path.join(media.dir, 'relativ.mp3'))
    fs.symlinkSync(outside.dir, path.join(media.dir, 'fremd'))
    fs.symlinkSync(path.join(media.dir, 'ordner'), path.join(media.dir, 'verweis'))
    fs.symlinkSync(path.join(media.dir, 'fehlt.mp3'), path.join(media.dir, 'kaputt.mp3'))
  })
  afterEach(() => outside.rm())

  const url = (name: string) => `${SITE}media/${name}`
  const names = ['echt.mp3', 'innen.mp3', 'verweis/datei.mp3', 'draussen.mp3', 'relativ.mp3', 'fremd/geheim.mp3', 'kaputt.mp3', 'ordner']

  it('measures a file and a link inside MEDIA_DIR, and knows nothing of a link leading outside, to a folder or to nothing', () => {
    const facts = createMediaFacts(media.dir, SITE)
    expect(names.map((name) => [name, facts.info(url(name))?.length, facts.isMissing(url(name)), facts.isLocal(url(name))])).toEqual([
      ['echt.mp3', 1234, false, true],
      ['innen.mp3', 1234, false, true],
      ['verweis/datei.mp3', 99, false, true],
      ['draussen.mp3', undefined, true, true],
      ['relativ.mp3', undefined, true, true],
      ['fremd/geheim.mp3', undefined, true, true],
      ['kaputt.mp3', undefined, true, true],
      ['ordner', undefined, true, true],
    ])
  })

  it('knows a file exactly when /media/ serves it', async () => {
    const { app } = await testApp({}, { MEDIA_DIR: media.dir })
    const facts = createMediaFacts(media.dir, SITE)
    for (const name of names) {
      const response = await app.request(`/media/${name}`)
      const served = response.status === 200 ? response.headers.get('content-length') : response.status
      expect([name, served]).toEqual([name, facts.info(url(name)) === undefined ? 404 : String(facts.info(url(name))?.length)])
    }
  })
})
