import yaml from 'js-yaml'
import { z } from 'zod'
import { ConfigError } from './errors/config-error.js'
import { describeIssue, describeYamlError, inOurWords } from './errors/describe-issue.js'
import { hasScheme } from './text/patterns.js'
import { isHttpUrl, siteUrlFor } from './text/urls.js'
import { xmlForbiddenProblem } from './text/xml-chars.js'
import { quoted } from './text/display.js'
import { PERSON_ROLES, recurrenceRuleProblem } from './feeds/podcast-namespace.js'
import { authorKey } from './text/author-key.js'
import type { UpdateHints } from './feeds/update-hints.js'

// Apart from this file (zod and js-yaml), so that the render workers' bundle does without both.
export { authorKey } from './text/author-key.js'
export { PERIOD_MINUTES, updateMinutes, type UpdateHints, type UpdatePeriod } from './feeds/update-hints.js'

/** A person behind a byline, from the author registry. */
export interface AuthorProfile {
  readonly name: string
  /** Absolute URL of a page about the author. */
  readonly url: string | undefined
  readonly email: string | undefined
  /** Absolute URL of a square portrait. */
  readonly avatar: string | undefined
  readonly bio: string | undefined
  /** podcast:person role (Podcast Taxonomy), lower case; undefined: host. */
  readonly role?: string | undefined
}

/** The channel settings of the podcast feed (Apple Podcasts' requirements). */
export interface PodcastSettings {
  readonly title: string
  readonly description: string
  /** itunes:author: the show's author as listeners see it. */
  readonly author: string
  /** itunes:owner: who Apple contacts; never shown. */
  readonly owner: { readonly name: string; readonly email: string }
  /** Absolute URL of the cover art: square JPEG or PNG, 1400–3000 px. */
  readonly image: string
  readonly category: string
  readonly subcategory: string | undefined
  readonly explicit: boolean
  readonly type: 'episodic' | 'serial'
  /** podcast:locked: other platforms must not import the feed without the owner. */
  readonly locked: boolean
  readonly copyright: string | undefined
  /** podcast:funding: where listeners support the show, and the link's text. */
  readonly funding?: { readonly url: string; readonly text: string } | undefined
  /** podcast:updateFrequency: the release schedule as an RFC 5545 rule, and in words. */
  readonly updateFrequency?: { readonly rrule: string; readonly text: string } | undefined
}

/** Feedly's `webfeeds:` channel branding (RSS), absolute URLs. */
export interface FeedlySettings {
  /** webfeeds:icon: square icon. */
  readonly icon: string | undefined
  /** webfeeds:logo: wide logo, SVG preferred. */
  readonly logo: string | undefined
  /** webfeeds:cover: a large image behind the feed's title. */
  readonly cover: string | undefined
  /** webfeeds:accentColor: six hex digits, upper case, without `#`. */
  readonly accentColor: string | undefined
}

/** Site settings that are more than a variable: read from one YAML file (SITE_CONFIG). */
export interface SiteSettings {
  readonly images: {
    /** Square icon, 512 px or more: JSON Feed `icon`, Atom `logo`. */
    readonly icon: string | undefined
    /** Small square icon, 64 px: JSON Feed `favicon`, Atom `icon`, pages' `<link rel="icon">`. */
    readonly favicon: string | undefined
    /** RSS `<image>`: at most 144 × 400 px. */
    readonly rss: { readonly url: string; readonly width: number; readonly height: number } | undefined
  }
  readonly podcast: PodcastSettings | undefined
  /** Feedly branding; undefined: none written (the W3C validator warns about the namespace it does not know). */
  readonly feedly: FeedlySettings | undefined
  /** Update hints; hourly by default. */
  readonly updates: UpdateHints
  /** Profiles by authorKey(name): a byline finds its profile regardless of case, as `?author=` does. */
  readonly authors: ReadonlyMap<string, AuthorProfile>
  /** Plus articles (issue 13): where their pages ask readers to subscribe; undefined: `SITE_URL` + `abo`. */
  readonly plus?: { readonly subscribeUrl: string } | undefined
}


export const DEFAULT_SITE_SETTINGS: SiteSettings = Object.freeze({
  images: Object.freeze({ icon: undefined, favicon: undefined, rss: undefined }),
  podcast: undefined,
  feedly: undefined,
  updates: Object.freeze({ period: 'hourly', frequency: 1 }),
  authors: new Map(),
})

/** Apple Podcasts' categories and their subcategories (podcasters.apple.com, "Apple Podcasts categories"). */
const PODCAST_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  Arts: ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  Business: ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  Comedy: ['Comedy Interviews', 'Improv', 'Stand-Up'],
  Education: ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  Fiction: ['Comedy Fiction', 'Drama', 'Science Fiction'],
  Government: [],
  History: [],
  'Health & Fitness': ['Alternative Health', 'Fitness', 'Medicine', 'Mental Health', 'Nutrition', 'Sexuality'],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  Leisure: ['Animation & Manga', 'Automotive', 'Aviation', 'Crafts', 'Games', 'Hobbies', 'Home & Garden', 'Video Games'],
  Music: ['Music Commentary', 'Music History', 'Music Interviews'],
  News: ['Business News', 'Daily News', 'Entertainment News', 'News Commentary', 'Politics', 'Sports News', 'Tech News'],
  'Religion & Spirituality': ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Religion', 'Spirituality'],
  Science: ['Astronomy', 'Chemistry', 'Earth Sciences', 'Life Sciences', 'Mathematics', 'Natural Sciences', 'Nature', 'Physics', 'Social Sciences'],
  'Society & Culture': ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  Sports: ['Baseball', 'Basketball', 'Cricket', 'Fantasy Sports', 'Football', 'Golf', 'Hockey', 'Rugby', 'Running', 'Soccer', 'Swimming', 'Tennis', 'Volleyball', 'Wilderness', 'Wrestling'],
  Technology: [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews'],
}

/**
 * Text the podcast feed, the pages and the OPML list carry. Characters XML
 * cannot carry are refused, not removed: the file is the operator's to fix
 * (docs/configuration.md).
 */
const text = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .superRefine((value, context) => {
    const problem = xmlForbiddenProblem(value)
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem })
  })
const location = z.string({ error: 'must be a URL or a site path such as /media/bild.png' }).trim().min(1, 'must not be empty')
const email = z.email({ error: 'must be an e-mail address' })
/** Text podcast apps show beside a link or a schedule: the namespace asks for at most 128 characters. */
const shortText = text.pipe(z.string().max(128))
const personRole = z
  .string({ error: 'must be text' })
  .superRefine((role, context) => {
    if (!PERSON_ROLES.has(role.trim().toLowerCase())) {
      context.addIssue({ code: 'custom', message: `${quoted(role)} is not a role of the Podcast Taxonomy (such as host, co-host, guest, reporter, producer)` })
    }
  })
  .transform((role) => role.trim().toLowerCase())
const rrule = z
  .string({ error: 'must be text' })
  .trim()
  .superRefine((value, context) => {
    const problem = recurrenceRuleProblem(value)
    if (problem !== undefined) context.addIssue({ code: 'custom', message: `${quoted(value)} is not an RFC 5545 recurrence rule: ${problem}` })
  })
const pixels = (max: number) => {
  const problem = `must be a whole number of pixels from 1 to ${max}`
  return z.number({ error: problem }).int(problem).min(1, problem).max(max, problem)
}

const schema = z
  .object({
    images: z
      .object({
        icon: location.optional(),
        favicon: location.optional(),
        rss: z.object({ url: location, width: pixels(144), height: pixels(400) }).strict().optional(),
      })
      .strict()
      .optional(),
    podcast: z
      .object({
        title: text,
        description: text,
        author: text,
        owner: z.object({ name: text, email }).strict(),
        image: location,
        category: z.enum(Object.keys(PODCAST_CATEGORIES) as [string, ...string[]], { error: 'must be one of Apple Podcasts\u2019 categories' }),
        subcategory: text.optional(),
        explicit: z.boolean({ error: 'must be true or false' }),
        type: z.enum(['episodic', 'serial'], { error: 'must be episodic or serial' }).default('episodic'),
        locked: z.boolean({ error: 'must be true or false' }).default(true),
        copyright: text.optional(),
        funding: z.object({ url: location, text: shortText }).strict().optional(),
        update_frequency: z.object({ rrule, text: shortText }).strict().optional(),
      })
      .strict()
      .refine((p) => p.subcategory === undefined || (PODCAST_CATEGORIES[p.category] ?? []).includes(p.subcategory), {
        path: ['subcategory'],
        error: 'is not a subcategory of the category',
      })
      .optional(),
    feedly: z
      .object({
        icon: location.optional(),
        logo: location.optional(),
        cover: location.optional(),
        accent_color: z
          .string({ error: 'must be a colour of six hex digits such as "#0B4F8A"' })
          .regex(/^#?[0-9a-fA-F]{6}$/, 'must be a colour of six hex digits such as "#0B4F8A"')
          .optional(),
      })
      .strict()
      .optional(),
    updates: z
      .object({
        period: z.enum(['hourly', 'daily', 'weekly', 'monthly', 'yearly'], { error: 'must be hourly, daily, weekly, monthly or yearly' }).default('hourly'),
        frequency: z
          .number({ error: 'must be a whole number from 1 to 60' })
          .int('must be a whole number from 1 to 60')
          .min(1, 'must be a whole number from 1 to 60')
          .max(60, 'must be a whole number from 1 to 60')
          .default(1),
      })
      .strict()
      .optional(),
    authors: z
      .record(
        z.string(),
        z
          .object({ url: location.optional(), email: email.optional(), avatar: location.optional(), bio: text.optional(), role: personRole.optional() })
          .strict()
          .nullable(),
      )
      .optional(),
    plus: z.object({ subscribe_url: location }).strict().optional(),
  })
  .strict()

/**
 * Reads the site settings file (YAML): channel images, the podcast channel
 * and the author registry. Throws a ConfigError naming the file and the field.
 */
export function loadSiteSettings(source: string, file: string, siteUrl: string): SiteSettings {
  let data: unknown
  try {
    data = yaml.load(source, { schema: yaml.CORE_SCHEMA }) ?? {}
  } catch (cause) {
    if (!(cause instanceof yaml.YAMLException)) throw cause
    throw new ConfigError(file, `is not valid YAML: ${describeYamlError(cause)}`, { cause })
  }
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(file, 'must be a mapping of fields (images, podcast, feedly, updates, authors, plus)')
  const result = schema.safeParse(data, { error: inOurWords })
  if (!result.success) {
    const issue = result.error.issues[0]
    const { field, problem } = issue ? describeIssue(issue, data) : { field: '', problem: 'is not valid' }
    throw new ConfigError(file, field === '' ? problem : `${field}: ${problem}`)
  }
  const settings = result.data
  const absolute = (value: string, field: string): string => {
    const url = hasScheme(value) ? value : siteUrlFor(siteUrl, value)
    if (!isHttpUrl(url)) throw new ConfigError(file, `${field}: "${value}" is not an http(s) URL or a site path`)
    return new URL(url).href
  }
  const authors = new Map<string, AuthorProfile>()
  for (const [name, profile] of Object.entries(settings.authors ?? {})) {
    const problem = xmlForbiddenProblem(name)
    if (problem !== undefined) throw new ConfigError(file, `authors: ${quoted(name)} ${problem}`)
    authors.set(authorKey(name), {
      name,
      url: profile?.url === undefined ? undefined : absolute(profile.url, `authors.${name}.url`),
      email: profile?.email,
      avatar: profile?.avatar === undefined ? undefined : absolute(profile.avatar, `authors.${name}.avatar`),
      bio: profile?.bio,
      role: profile?.role,
    })
  }
  const podcast = settings.podcast
  const feedly = settings.feedly
  const optional = (value: string | undefined, field: string) => (value === undefined ? undefined : absolute(value, field))
  return Object.freeze({
    images: Object.freeze({
      icon: settings.images?.icon === undefined ? undefined : absolute(settings.images.icon, 'images.icon'),
      favicon: settings.images?.favicon === undefined ? undefined : absolute(settings.images.favicon, 'images.favicon'),
      rss: settings.images?.rss === undefined ? undefined : { ...settings.images.rss, url: absolute(settings.images.rss.url, 'images.rss.url') },
    }),
    podcast:
      podcast === undefined
        ? undefined
        : Object.freeze({
            title: podcast.title,
            description: podcast.description,
            author: podcast.author,
            owner: { name: podcast.owner.name, email: podcast.owner.email },
            image: absolute(podcast.image, 'podcast.image'),
            category: podcast.category,
            subcategory: podcast.subcategory,
            explicit: podcast.explicit,
            type: podcast.type,
            locked: podcast.locked,
            copyright: podcast.copyright,
            funding: podcast.funding && { url: absolute(podcast.funding.url, 'podcast.funding.url'), text: podcast.funding.text },
            updateFrequency: podcast.update_frequency,
          }),
    feedly:
      feedly === undefined
        ? undefined
        : Object.freeze({
            icon: optional(feedly.icon, 'feedly.icon'),
            logo: optional(feedly.logo, 'feedly.logo'),
            cover: optional(feedly.cover, 'feedly.cover'),
            accentColor: feedly.accent_color?.replace('#', '').toUpperCase(),
          }),
    updates: Object.freeze({ period: settings.updates?.period ?? 'hourly', frequency: settings.updates?.frequency ?? 1 }),
    authors,
    plus: settings.plus && Object.freeze({ subscribeUrl: absolute(settings.plus.subscribe_url, 'plus.subscribe_url') }),
  })
}
