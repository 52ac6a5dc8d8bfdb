/**
 * What the Podcasting 2.0 namespace (podcastindex.org/namespace/1.0) takes
 * where it names a fixed vocabulary, as pure checks for the site settings:
 * the roles of `podcast:person` and the recurrence rule of
 * `podcast:updateFrequency`.
 */

/**
 * The roles of the Podcast Taxonomy Project, in lower case (the namespace
 * reads them regardless of case). Source: taxonomy.json of
 * github.com/Podcastindex-org/podcast-namespace, commit f593c5d.
 */
export const PERSON_ROLES: ReadonlySet<string> = new Set([
  'director', 'assistant director', 'executive producer', 'senior producer', 'producer', 'associate producer',
  'development producer', 'creative director', 'host', 'co-host', 'guest host', 'guest', 'voice actor', 'narrator',
  'announcer', 'reporter', 'author', 'editorial director', 'co-writer', 'writer', 'songwriter', 'guest writer',
  'story editor', 'managing editor', 'script editor', 'script coordinator', 'researcher', 'editor', 'fact checker',
  'translator', 'transcriber', 'logger', 'studio coordinator', 'technical director', 'technical manager',
  'audio engineer', 'remote recording engineer', 'post production engineer', 'audio editor', 'sound designer',
  'foley artist', 'composer', 'theme music', 'music production', 'music contributor', 'production coordinator',
  'booking coordinator', 'production assistant', 'content manager', 'marketing manager', 'sales representative',
  'sales manager', 'graphic designer', 'cover art designer', 'social media manager', 'consultant', 'intern',
  'camera operator', 'lighting designer', 'camera grip', 'assistant camera', 'assistant editor',
])

const FREQUENCIES = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']
const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)'
const NUMBERS = /^[+-]?\d{1,3}(,[+-]?\d{1,3})*$/
/** The parts of a recurrence rule (RFC 5545 §3.3.10) and what each value looks like. */
const RULE_PARTS: Readonly<Record<string, RegExp>> = {
  FREQ: new RegExp(`^(${FREQUENCIES.join('|')})$`),
  // RFC 5545's DATE or DATE-TIME, or ISO 8601 as the namespace writes its examples.
  UNTIL: /^(\d{8}(T\d{6}Z?)?|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?)$/,
  COUNT: /^\d+$/,
  INTERVAL: /^[1-9]\d*$/,
  BYSECOND: NUMBERS,
  BYMINUTE: NUMBERS,
  BYHOUR: NUMBERS,
  BYDAY: new RegExp(`^[+-]?\\d{0,2}${WEEKDAY}(,[+-]?\\d{0,2}${WEEKDAY})*$`),
  BYMONTHDAY: NUMBERS,
  BYYEARDAY: NUMBERS,
  BYWEEKNO: NUMBERS,
  BYMONTH: NUMBERS,
  BYSETPOS: NUMBERS,
  WKST: new RegExp(`^${WEEKDAY}$`),
}

/** What is wrong with a recurrence rule for `podcast:updateFrequency`, or undefined when nothing is. */
export function recurrenceRuleProblem(rule: string): string | undefined {
  const seen = new Set<string>()
  for (const part of rule.split(';')) {
    const [name = '', value, ...extra] = part.split('=')
    const pattern = RULE_PARTS[name]
    if (pattern === undefined) return `${name === '' ? 'an empty part' : name} is not one of its parts`
    if (seen.has(name)) return `${name} is given twice`
    seen.add(name)
    if (value === undefined || extra.length > 0 || !pattern.test(value)) {
      return name === 'FREQ' ? `FREQ must be one of ${FREQUENCIES.join(', ')}` : `${part} is not a value ${name} takes`
    }
  }
  if (!seen.has('FREQ')) return 'it needs FREQ'
  // The namespace asks for `dtstart` with COUNT; one rule that needs no start date is enough for a newsroom.
  if (seen.has('COUNT')) return 'COUNT needs a start date, which these settings do not take; use UNTIL'
  return undefined
}
