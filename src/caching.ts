/**
 * The cache vocabulary, in one place: how long each kind of document may be
 * kept (CachePolicy, from the configuration), which kind a document is
 * (CacheClass, set when it is rendered), and the content codings it is
 * compressed with. The Cache-Control values themselves are written by
 * http/cache-control.ts.
 */

/** Seconds shared caches may keep each kind of document (RFC 9111). */
export interface CachePolicy {
  /** Seconds a fresh copy of a live document may be used. */
  readonly maxAge: number
  readonly staleWhileRevalidate: number
  readonly staleIfError: number
  /** Seconds for full archive pages, which change only when an old article is edited. */
  readonly archiveMaxAge: number
  /** Seconds for stylesheets. */
  readonly assetMaxAge: number
  /** Seconds for files under /media/. */
  readonly mediaMaxAge: number
}

/** How long shared caches may keep a document. */
export type CacheClass =
  /** Changes with every publication: feeds, pages, 404s. */
  | 'live'
  /** A full archive page: stable until an old article is edited. */
  | 'archive'
  /** Stylesheets and the like: change only with a deploy. */
  | 'asset'
  /** Never stored: health. */
  | 'none'

/** The content codings documents are compressed with (RFC 9110 §8.4.1). */
export type ContentCoding = 'br' | 'gzip'
