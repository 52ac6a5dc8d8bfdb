import path from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import { plusKeys, type PlusKeys } from './token.js'

/** Subscriber feeds (docs/plus.md): on only with PLUS_SECRET. */
export interface PlusConfig {
  /** PLUS_SECRET's key (which mints), then PLUS_SECRET_PREVIOUS's during a rotation. */
  readonly keys: PlusKeys
  /** Absolute path of the revocation file (PLUS_REVOKED), one subscriber id per line; undefined: none. */
  readonly revokedFile: string | undefined
}

export interface PlusValues {
  readonly PLUS_SECRET: string | undefined
  readonly PLUS_SECRET_PREVIOUS: string | undefined
  readonly PLUS_REVOKED: string | undefined
}

/** A secret shorter than this is refused: HMAC-SHA256's key should be as long as its output (RFC 2104 §3). */
export const MIN_SECRET_BYTES = 32

/**
 * The plus settings, checked; undefined without PLUS_SECRET (plus articles
 * then publish as teasers only). Throws a ConfigError naming the variable,
 * never showing a secret.
 */
export function readPlusConfig(values: PlusValues, cwd: string): PlusConfig | undefined {
  const { PLUS_SECRET: secret, PLUS_SECRET_PREVIOUS: previous, PLUS_REVOKED: revoked } = values
  if (secret === undefined) {
    if (previous !== undefined) throw new ConfigError('PLUS_SECRET_PREVIOUS', 'needs PLUS_SECRET: it only keeps older tokens valid beside the current secret')
    if (revoked !== undefined) throw new ConfigError('PLUS_REVOKED', 'needs PLUS_SECRET: without it there are no subscriber feeds to revoke')
    return undefined
  }
  checkLength('PLUS_SECRET', secret)
  if (previous !== undefined) {
    checkLength('PLUS_SECRET_PREVIOUS', previous)
    if (previous === secret) throw new ConfigError('PLUS_SECRET_PREVIOUS', 'is the same as PLUS_SECRET; give the secret being replaced, or leave it out')
  }
  return Object.freeze({ keys: plusKeys(secret, previous), revokedFile: revoked === undefined ? undefined : path.resolve(cwd, revoked) })
}

function checkLength(variable: string, secret: string): void {
  const bytes = Buffer.byteLength(secret, 'utf8')
  if (bytes < MIN_SECRET_BYTES) {
    throw new ConfigError(variable, `is ${bytes} bytes long; it must be at least ${MIN_SECRET_BYTES} bytes (e.g. the output of \`openssl rand -base64 32\`)`)
  }
}
