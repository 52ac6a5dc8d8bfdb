import { pino } from 'pino'
import { redactSecrets } from '../text/redact.js'
import type { LogFields, Logger } from './logger.js'

/** How log lines are written: `text` for a person at a terminal, `json` (one object per line) for a log shipper. */
export type LogFormat = 'text' | 'json'

/** Where the text format writes: the console by default. */
export interface TextSink {
  out(line: string): void
  err(line: string): void
}

const CONSOLE: TextSink = { out: (line) => console.log(line), err: (line) => console.error(line) }

/** The fields with every secret in a string value redacted (a URL holding a token that reached an error message). */
function redactFields(fields: LogFields): LogFields {
  const clean: Record<string, LogFields[string]> = {}
  for (const [key, value] of Object.entries(fields)) clean[key] = typeof value === 'string' ? redactSecrets(value) : value
  return clean
}

/**
 * The service's logger. Every message and string field passes redactSecrets,
 * so no token in a URL reaches a log line, whoever wrote the line.
 *
 * - `text`: the message alone, info on standard output, warnings and errors
 *   on standard error, as before; an error's stack follows its line.
 * - `json`: pino, one object per line on standard output, with `level` as a
 *   word (`info`, `warn`, `error`), `time` in ISO 8601 and `msg`, plus the
 *   fields. Written synchronously: a line logged just before the process
 *   exits is not lost.
 *
 * @param destination the JSON format's file descriptor or stream (tests)
 */
export function createLogger(format: LogFormat, sink: TextSink = CONSOLE, destination: number | NodeJS.WritableStream = 1): Required<Logger> {
  if (format === 'text') {
    return {
      info: (message) => sink.out(redactSecrets(message)),
      warn: (message) => sink.err(redactSecrets(message)),
      error: (message, fields) => {
        sink.err(redactSecrets(message))
        if (fields?.err instanceof Error) sink.err(redactSecrets(fields.err.stack ?? String(fields.err)))
      },
    }
  }
  const log = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Error objects are serialised by pino (`err`: type, message, stack); the message is redacted here.
        logMethod(args, method) {
          const [fields, message] = args as unknown as [LogFields, string]
          method.apply(this, [redactFields(fields), redactSecrets(message)] as unknown as Parameters<typeof method>)
        },
      },
    },
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination,
  )
  return {
    info: (message, fields = {}) => log.info(fields, message),
    warn: (message, fields = {}) => log.warn(fields, message),
    error: (message, fields = {}) => log.error(fields, message),
  }
}
