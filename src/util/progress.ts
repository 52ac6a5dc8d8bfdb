/** Where progress is shown: a terminal (isTTY, columns) or a pipe, a log file. */
export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
}

export interface ProgressOptions {
  readonly stream: ProgressStream
  readonly total: number
  /** What is counted, plural: `documents`, or `MB of media`. */
  readonly noun: string
  /** What one of the count is, when not one of the noun: `MB`, so that the rate reads `85.3 MB/s`. */
  readonly unit?: string
  /** Digits after the point of the count and the rate (0 by default: documents are whole). */
  readonly fractionDigits?: number
  /** Milliseconds; performance.now by default. */
  readonly now?: () => number
  /** When the run began, on that clock (the total is known only later); now by default. */
  readonly started?: number
}

/** A terminal's line is drawn again at most this often; */
const DRAW_MS = 100
/** a log gets a line at most this often (and one at the end). */
const LINE_MS = 5_000
/** Seconds of work before the time left is said. */
const ESTIMATE_AFTER_S = 1
const BAR_WIDTH = 28
const MIN_BAR_WIDTH = 10

/**
 * Progress of a long run (the static export): on a terminal a bar redrawn
 * over one line — done / total, the rate, the time left; elsewhere (a pipe,
 * systemd's journal, CI) a plain line every 5 s, since a log cannot take
 * back a line. Both end with a line that says how long it took.
 */
export class Progress {
  readonly #options: ProgressOptions
  readonly #now: () => number
  readonly #started: number
  #shown: number
  #done = 0
  /** Of those done, how many took no work (found unchanged): counted as done, not in the rate. */
  #skipped = 0
  /** A terminal's line drawn and not ended yet. */
  #open = false

  constructor(options: ProgressOptions) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    this.#started = options.started ?? this.#now()
    this.#shown = options.stream.isTTY ? -Infinity : this.#started
  }

  /** `done` of the total are done, `skipped` of them without work; shown when it is time to (all done: finish() says so). */
  update(done: number, skipped = 0): void {
    this.#done = done
    this.#skipped = skipped
    const now = this.#now()
    if (done >= this.#options.total || now - this.#shown < (this.#options.stream.isTTY ? DRAW_MS : LINE_MS)) return
    this.#shown = now
    this.#show(now, false)
  }

  /** The last line: everything done, and the time it took. */
  finish(): void {
    this.#show(this.#now(), true)
  }

  /** The run failed: a terminal's line is ended, so that what is said next (the error) starts on a line of its own. */
  interrupt(): void {
    if (this.#open) this.#options.stream.write('\n')
    this.#open = false
  }

  #show(now: number, finished: boolean): void {
    const { stream, total, noun } = this.#options
    const done = this.#done
    const seconds = (now - this.#started) / 1000
    // What was found done without work is no part of the pace: a repeat over unchanged audio said thousands of MB/s.
    const rate = seconds > 0 ? Math.max(done - this.#skipped, 0) / seconds : 0
    // No time left from less than a second of work: one document in its first tenth of a second foretold minutes.
    const when = finished ? `done in ${clock(seconds)}` : rate > 0 && seconds >= ESTIMATE_AFTER_S ? clock((total - done) / rate) : undefined
    const digits = this.#options.fractionDigits ?? 0
    const count = (n: number) => withDigits(n, digits)
    const perSecond = `${count(rate)}${this.#options.unit ? ` ${this.#options.unit}` : ''}/s`
    if (stream.isTTY) {
      const text = ` ${count(done)}/${count(total)} ${noun}${rate > 0 ? `  ${perSecond}` : ''}${when ? `  ${when}${finished ? '' : ' left'}` : ''}`
      // Never wider than the terminal (less one column): a line that wraps is not drawn over by \r, and a narrow pane
      // filled with its stale rows. Where the bar does not fit at its narrowest, it goes; then the rate; then the
      // count, so that the time (left, or taken: the line that stays) is the last to be cut.
      const columns = (stream.columns || 80) - 1
      const width = Math.min(BAR_WIDTH, columns - 2 - text.length)
      const filled = shareOf(done, total, width)
      const line = width >= MIN_BAR_WIDTH ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${text}` : narrowLine(text.trimStart(), columns, count(done), count(total), noun, when && `${when}${finished ? '' : ' left'}`)
      stream.write(`\r\x1b[K${line}${finished ? '\n' : ''}`)
      this.#open = !finished
    } else {
      const percent = shareOf(done, total, 100)
      const rateText = rate > 0 ? `, ${perSecond}` : ''
      stream.write(`export: ${count(done)} of ${count(total)} ${noun} (${percent}%)${rateText}${when ? `, ${finished ? when : `about ${when} left`}` : ''}\n`)
    }
  }
}

/**
 * How much of `whole` (the bar's cells, or 100 %) `done` of `total` fills, rounded down, and all of it once done:
 * (100 * done) / total is not 100 for every total in floating point (0.081 MB: 99.99999999999999, so 99 %).
 */
function shareOf(done: number, total: number, whole: number): number {
  return total > 0 && done < total ? Math.floor((whole * done) / total) : whole
}

/** A terminal's line without the bar, at most `columns` wide: the rate goes first, then the count, the time last. */
function narrowLine(text: string, columns: number, done: string, total: string, noun: string, timing: string | undefined): string {
  if (text.length <= columns) return text
  const counted = `${done}/${total} ${noun}${timing ? `  ${timing}` : ''}`
  return (counted.length <= columns ? counted : (timing ?? `${done}/${total}`)).slice(0, columns)
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
function clock(seconds: number): string {
  const whole = Math.round(seconds)
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60]
  const two = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`
}

/** `n` as the progress lines write it: thousands separated, exactly `digits` after the point (`4,500.0`). */
export const withDigits = (n: number, digits: number): string => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
