import path from 'node:path'
import { readTextFile, watchTextFile, type TextFileRead } from '../content/watch-text-file.js'
import { ConfigError } from '../errors/config-error.js'
import type { HealthCheck } from '../util/health.js'
import type { Logger } from '../util/logger.js'
import { SUBSCRIBER_ID } from './token.js'

/** The revoked ids of a PLUS_REVOKED file, and the lines that hold none. */
export function parseRevoked(text: string): { ids: Set<string>; problems: string[] } {
  const ids = new Set<string>()
  const problems: string[] = []
  // Every line end: `.` stops at a CRLF file's \r, so `#.*$` kept an id with a comment (refused, not revoked).
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '') return
    if (SUBSCRIBER_ID.test(line)) ids.add(line)
    else problems.push(`line ${index + 1}: "${line}" is not a subscriber id (letters, digits and . _ @ + -, 1 to 64 characters); ignored`)
  })
  return { ids, problems }
}

const counted = (n: number): string => `${n} subscriber id${n === 1 ? '' : 's'} revoked`

/**
 * PLUS_REVOKED: the subscriber ids whose tokens are refused (403), read at
 * start and again whenever the file changes (checked every 250 ms, so a save
 * takes effect well within 2 s).
 *
 * A file that cannot be read never changes who is revoked silently: at start
 * it refuses the start (a deploy that lost the list must not re-admit
 * everyone on it); later the last list read stays in force, with a warning
 * and a /healthz problem, until the file can be read again. An empty file
 * revokes no one.
 */
export class Revocations implements HealthCheck {
  #ids: ReadonlySet<string>
  #problem: string | undefined
  readonly #name: string
  readonly #logger: Pick<Logger, 'info' | 'warn'>
  #stop: () => void = () => {}

  private constructor(name: string, ids: ReadonlySet<string>, logger: Pick<Logger, 'info' | 'warn'>) {
    this.#name = name
    this.#ids = ids
    this.#logger = logger
  }

  /** No file: no one is revoked (tokens still expire). */
  static none(): Revocations {
    return new Revocations('', new Set(), { info: () => {}, warn: () => {} })
  }

  /** Reads `file` and watches it. Throws a ConfigError naming PLUS_REVOKED when it cannot be read now. */
  static start(file: string, logger: Pick<Logger, 'info' | 'warn'>): Revocations {
    const read = readTextFile(file)
    if ('code' in read) {
      throw new ConfigError('PLUS_REVOKED', `cannot read ${file} (${read.code}); create it (empty: no one revoked) or leave PLUS_REVOKED unset`)
    }
    const revocations = new Revocations(path.basename(file), new Set(), logger)
    revocations.#update(read, '')
    revocations.#stop = watchTextFile(file, (again) => revocations.#update(again, ' again'))
    return revocations
  }

  /** Whether the subscriber's tokens are revoked now. */
  isRevoked(subscriber: string): boolean {
    return this.#ids.has(subscriber)
  }

  problems(): readonly string[] {
    return this.#problem === undefined ? [] : [this.#problem]
  }

  close(): void {
    this.#stop()
  }

  #update(read: TextFileRead, again: string): void {
    if ('code' in read) {
      this.#problem = `PLUS_REVOKED: cannot read ${this.#name} (${read.code}); the last list read stays in force`
      this.#logger.warn(`warning ${this.#problem} (${counted(this.#ids.size)}); to revoke no one, leave the file empty`)
      return
    }
    const { ids, problems } = parseRevoked(read.text)
    for (const problem of problems) this.#logger.warn(`warning PLUS_REVOKED: ${this.#name}: ${problem}`)
    this.#ids = ids
    this.#problem = undefined
    this.#logger.info(`PLUS_REVOKED: read ${this.#name}${again}: ${counted(ids.size)}`)
  }
}
