import fs from 'node:fs'
import path from 'node:path'
import { imageSize } from 'image-size'
import { LruCache } from '../util/lru-cache.js'
import { servedMediaFile, servedMediaParts } from './media-path.js'

/** What is known about a media file the site serves itself. */
export interface MediaInfo {
  /** Size in bytes. */
  readonly length: number
  /** Pixel size, for images. */
  readonly width: number | undefined
  readonly height: number | undefined
}

/** What the feeds may know about media URLs: measured files under MEDIA_DIR, and the ones that are missing. */
export interface MediaFacts {
  /** Length and pixel size of the file behind a SITE_URL/media/… URL; undefined for other URLs and missing files. */
  info(url: string): MediaInfo | undefined
  /** Whether the URL is under SITE_URL/media/, whether or not the site serves a file there. */
  isLocal(url: string): boolean
  /** Whether the URL is under SITE_URL/media/ and /media/ serves no file there (none, not a regular file, a path it refuses, a link leading outside). */
  isMissing(url: string): boolean
}

/**
 * Whether an image has pixels to show: a header of 0 × n px (image-size reads
 * it as written) would put `width="0"` into Media RSS and the lead `<img>`,
 * and readers show nothing, so the feeds leave such an image out.
 */
export function hasNoPixels(info: MediaInfo | undefined): boolean {
  return info?.width === 0 || info?.height === 0
}

/** Bytes read to find an image's pixel size: headers sit at the start. */
const IMAGE_HEAD_BYTES = 256 * 1024

/**
 * Where the file behind a public URL (SITE_URL/media/…) lies under MEDIA_DIR;
 * undefined for other URLs, and for paths the site never serves (by the
 * rule /media/ requests follow: servedMediaParts).
 */
export function mediaPathFor(mediaDir: string, siteUrl: string): (url: string) => string | undefined {
  const prefix = new URL('media/', siteUrl).href
  const prefixPath = new URL(prefix).pathname
  return (url) => {
    if (!url.startsWith(prefix)) return undefined
    let parts: string[] | undefined
    try {
      parts = servedMediaParts(new URL(url).pathname.slice(prefixPath.length))
    } catch {
      return undefined
    }
    return parts === undefined ? undefined : path.join(mediaDir, ...parts)
  }
}

/**
 * Looks up files under MEDIA_DIR by their public URL (SITE_URL/media/…):
 * the true length of an enclosure, the pixel size of an image. Other URLs
 * are not ours to measure, and files /media/ does not serve (servedMediaFile:
 * a link leading outside MEDIA_DIR) are not known (undefined). Results are kept while the file's
 * size and modification time stay the same. `warn` gets a line for an image
 * without pixels (hasNoPixels), once per version of the file.
 */
export function createMediaInfo(mediaDir: string, siteUrl: string, warn?: (line: string) => void): (url: string) => MediaInfo | undefined {
  const pathOf = mediaPathFor(mediaDir, siteUrl)
  const cache = new LruCache<string, { readonly stamp: string; readonly info: MediaInfo }>(5000)
  return (url) => {
    const planned = pathOf(url)
    const served = planned === undefined ? undefined : servedMediaFile(mediaDir, planned)
    if (served === undefined) return undefined
    const { real: file, stat } = served
    const stamp = `${stat.size}:${stat.mtimeMs}`
    const cached = cache.get(file)
    if (cached?.stamp === stamp) return cached.info
    let width: number | undefined
    let height: number | undefined
    if (/\.(jpe?g|png|gif|webp|avif)$/i.test(file)) {
      try {
        const head = Buffer.alloc(Math.min(stat.size, IMAGE_HEAD_BYTES))
        const fd = fs.openSync(file, 'r')
        try {
          fs.readSync(fd, head, 0, head.length, 0)
        } finally {
          fs.closeSync(fd)
        }
        const size = imageSize(head)
        width = size.width
        height = size.height
      } catch {
        // Not an image after all, or one image-size cannot read: no pixel size.
      }
    }
    const info = { length: stat.size, width, height }
    if (hasNoPixels(info)) warn?.(`warning ${url}: image: is ${width} × ${height} px; left out of every feed, where readers would show nothing`)
    cache.set(file, { stamp, info })
    return info
  }
}

/** MediaFacts for MEDIA_DIR as the site serves it under SITE_URL/media/; `warn` as createMediaInfo's. */
export function createMediaFacts(mediaDir: string, siteUrl: string, warn?: (line: string) => void): MediaFacts {
  const pathOf = mediaPathFor(mediaDir, siteUrl)
  const prefix = new URL('media/', siteUrl).href
  const isLocal = (url: string) => url.startsWith(prefix)
  return {
    info: createMediaInfo(mediaDir, siteUrl, warn),
    isLocal,
    isMissing: (url) => {
      if (!isLocal(url)) return false
      // A path /media/ refuses (an encoded slash, a hidden part) answers 404 like a missing file.
      const file = pathOf(url)
      return file === undefined || servedMediaFile(mediaDir, file) === undefined
    },
  }
}
