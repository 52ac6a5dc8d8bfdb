import { createHash } from 'node:crypto'

/** One document ready to send: bytes and the headers that describe them. */
export interface Resource {
  readonly body: Uint8Array
  /** Full Content-Type header value. */
  readonly contentType: string
  /** Strong validator (RFC 9110 §8.8.3), computed once from the bytes. */
  readonly etag: string
  /** The newest content change the document shows; undefined when it has none. */
  readonly lastModified: Date | undefined
}

const encoder = new TextEncoder()

/** Encodes a rendered document once, so requests only copy bytes. */
export function createResource(text: string, contentType: string, lastModified: Date | undefined): Resource {
  const body = encoder.encode(text)
  return { body, contentType, etag: etagOf(body), lastModified }
}

export function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}
