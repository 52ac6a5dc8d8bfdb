import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { Context } from 'hono'
import { isGone, walkTreeSync } from '../content/files.js'
import { servedMediaFile, servedMediaParts } from '../content/media-path.js'
import { mediaTypeFor } from '../content/media-types.js'
import { hasBadBytes } from '../text/file-names.js'
import { COMMON_HEADERS, serverError } from './common-headers.js'
import { isNotModified, isPreconditionFailed, parseHttpDate } from './conditional.js'
import { notLaterThanNow } from '../site/resource.js'
import type { Logger } from '../util/logger.js'
import { requestHeader, toResponse } from './exchange.js'
import { preconditionFailed } from './send-resource.js'
import type { CdnDocument } from '../cdn/cdn-headers.js'
import { mediaFileKeys } from '../site/cache-keys.js'

export interface MediaOptions {
  /** Absolute path of the folder served under /media/. */
  readonly root: string
  /** Seconds shared caches may keep a media file. */
  readonly maxAge: number
  /** Milliseconds since the epoch: a file touched with a future time is dated now. */
  readonly now: () => number
  /** Where a file that cannot be read is reported, with the request. */
  readonly logger: Pick<Logger, 'warn'>
  /** CDN headers for a file (cdn/cdn-headers.ts): its cache keys and the CDN's lifetime. */
  readonly cdnHeaders?: (document: CdnDocument) => Readonly<Record<string, string>>
}

interface MediaFile {
  readonly absolute: string
  readonly size: number
  readonly etag: string
  readonly lastModified: Date
  readonly type: string
}

/**
 * Serves the media folder the way podcast apps and browsers expect
 * (RFC 9110 §14): `Accept-Ranges: bytes`, single byte ranges answered with
 * 206 and `Content-Range`, 416 for ranges outside the file, If-Range, strong
 * ETags from size and modification time, 304s and long caching.
 *
 * Only regular files inside the folder are served: `..`, encoded slashes,
 * NUL, hidden names and symbolic links that lead outside are 404s. Media get
 * a sandboxing Content-Security-Policy, so an SVG with a script stays inert.
 */
export function createMediaHandler(options: MediaOptions): (c: Context, relative: string) => Response | undefined {
  const cacheControl = `public, max-age=${options.maxAge}`
  return (c, relative) => {
    const real = locateFile(options.root, relative)
    const opened = real === undefined ? undefined : openFile(real)
    if (opened === undefined) return undefined
    if ('code' in opened) {
      options.logger.warn(`media: ${c.req.method} ${c.req.path} answered 500: the file cannot be read (${opened.code})`)
      // A file that is there but cannot be read (mode 000, another owner): decided before any header is sent, never a
      // 200 that then sends no bytes. 500, not 403: the client is not at fault, and a podcast app told 403 may drop the
      // episode where it retries a 5xx; not 503: the service is not overloaded, and no Retry-After could be honest.
      // No-store (SERVER_ERROR), so no cache keeps the error once the file is fixed.
      return serverError()
    }
    let streaming = false
    try {
      const cdn = options.cdnHeaders?.({ keys: mediaFileKeys(c.req.path), cache: 'media' }) ?? {}
      return respond(c, opened, { 'Cache-Control': cacheControl, ...cdn }, options.now(), () => (streaming = true))
    } finally {
      if (!streaming) fs.closeSync(opened.fd)
    }
  }
}

/** The answer for an open file: 200, 206, 304, 412 or 416. `keepOpen` is called when the body will read (and close) the file. */
function respond(c: Context, opened: OpenFile, caching: Readonly<Record<string, string>>, now: number, keepOpen: () => void): Response {
  const file = { ...opened.file, lastModified: notLaterThanNow(opened.file.lastModified, now) }
  const headers: Record<string, string> = {
    'Content-Type': file.type,
    ETag: file.etag,
    'Last-Modified': file.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    ...caching,
    ...COMMON_HEADERS,
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    'Access-Control-Expose-Headers': 'ETag, Content-Range, Accept-Ranges',
  }
  if (isPreconditionFailed(requestHeader(c, 'if-match'), requestHeader(c, 'if-unmodified-since'), file.etag, file.lastModified)) {
    return toResponse(preconditionFailed(file))
  }
  if (isNotModified(requestHeader(c, 'if-none-match'), requestHeader(c, 'if-modified-since'), file.etag, file.lastModified)) {
    const { 'Content-Type': _type, ...notModified } = headers
    return new Response(null, { status: 304, headers: notModified })
  }
  const range = rangeFor(requestHeader(c, 'range'), requestHeader(c, 'if-range'), file)
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}`, 'Content-Length': '0' } })
  }
  const [start, end] = range ?? [0, file.size - 1]
  const length = file.size === 0 ? 0 : end - start + 1
  headers['Content-Length'] = String(length)
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`
  const status = range ? 206 : 200
  if (c.req.method === 'HEAD' || length === 0) return new Response(null, { status, headers })
  // The stream closes the file when it ends, fails or the client goes away.
  keepOpen()
  const stream = Readable.toWeb(fs.createReadStream(opened.absolute, { fd: opened.fd, start, end })) as ReadableStream<Uint8Array>
  return new Response(stream, { status, headers })
}

/**
 * Every file `/media/` serves, as `/`-separated paths relative to `root`, and
 * where its bytes are: what the static export copies. Hidden files and
 * folders, links leading outside and anything not a regular file are left
 * out, by the same rule as requests.
 */
export function servedMediaFiles(root: string): { relative: string; absolute: string }[] {
  const found: { relative: string; absolute: string }[] = []
  walkTreeSync(
    root,
    (relative) => {
      // A name that is not UTF-8 (held with lone surrogates): no /media/ URL names it.
      if (hasBadBytes(relative)) return
      // Encoded as a URL names it, so that the one rule of requests decides.
      const real = locateFile(root, relative.split('/').map(encodeURIComponent).join('/'))
      if (real) found.push({ relative, absolute: real })
    },
    { skipUnreadable: true },
  )
  return found
}

/** Where the file at `relative` (URL-encoded, `/`-separated) inside `root` really is, or undefined (not served, not there, or leading outside). */
function locateFile(root: string, relative: string): string | undefined {
  const parts = servedMediaParts(relative)
  // The one rule (content/media-path.ts) that also decides what feeds may measure.
  return parts === undefined ? undefined : servedMediaFile(root, path.join(root, ...parts))?.real
}

interface OpenFile {
  readonly absolute: string
  readonly fd: number
  /** As the open file is: one replaced since it was found is described (and sent) as it is now. */
  readonly file: MediaFile
}

/**
 * Opens a file to send, before any header is decided: undefined when it is
 * gone, no regular file, or replaced by a link since it was found; the error
 * code when it is there but cannot be opened (EACCES).
 */
function openFile(absolute: string): OpenFile | { absolute: string; code: string } | undefined {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants
  let fd: number
  try {
    // O_NONBLOCK: a FIFO put in its place opens at once (and is then not served).
    fd = fs.openSync(absolute, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    return isGone(code) || code === 'ELOOP' ? undefined : { absolute, code }
  }
  const stat = fs.fstatSync(fd)
  if (stat.isFile()) return { absolute, fd, file: describeFile(absolute, stat) }
  fs.closeSync(fd)
  return undefined
}

function describeFile(real: string, stat: fs.Stats): MediaFile {
  const type = mediaTypeFor(real) ?? 'application/octet-stream'
  return {
    absolute: real,
    size: stat.size,
    etag: `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`,
    lastModified: new Date(Math.floor(stat.mtimeMs / 1000) * 1000),
    type: /^text\/|\+xml$|^application\/(json|xml|javascript)/.test(type) ? `${type}; charset=utf-8` : type,
  }
}

/**
 * The byte range to send (RFC 9110 §14.2), undefined for the whole file.
 * One range is honoured; several are answered with the whole file, which
 * the RFC allows. If-Range that no longer matches also means the whole file.
 */
function rangeFor(header: string | undefined, ifRange: string | undefined, file: MediaFile): [number, number] | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  if (ifRange !== undefined) {
    const still = ifRange.startsWith('"') ? ifRange === file.etag : parseHttpDate(ifRange) === file.lastModified.getTime()
    if (!still) return undefined
  }
  // Several ranges, or a header that is no byte range at all: the whole file.
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const size = file.size
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || start > end) return 'unsatisfiable'
  return [start, end]
}
