/**
 * createMediaInfo and createMediaFacts on real files: what the feeds may
 * publish about a file under MEDIA_DIR (its length, its pixel size).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMediaFacts, createMediaInfo } from '../../src/content/media-info.js'
import { makeTempDir } from '../helpers/temp-dir.js'

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
