/**
 * What Apple Podcasts (and the podcast apps that follow its rules) accept,
 * as pure functions that return problems: the store logs them with the file
 * they belong to; nothing here reads a file or writes a log.
 * Source: podcasters.apple.com, "Podcast RSS feed requirements" and "Artwork
 * requirements".
 */
import type { Article } from '../content/article.js'
import type { MediaFacts } from '../content/media-info.js'
import type { ArticleProblem } from '../errors/article-error.js'
import type { SiteSettings } from '../site-settings.js'

/** Enclosure types Apple Podcasts accepts. */
export const APPLE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'audio/mpeg',
  'audio/x-m4a',
  'audio/mp4',
  'video/mp4',
  'video/quicktime',
  'video/x-m4v',
])

/**
 * Whether an image is artwork Apple Podcasts takes: JPEG or PNG and, where
 * its size is known, square from 1400 to 3000 px. An episode whose image is
 * not shows the show's cover.
 */
export function isAppleArtwork(url: string, width: number | undefined, height: number | undefined): boolean {
  if (!/\.(jpe?g|png)$/i.test(new URL(url).pathname)) return false
  return width === undefined || height === undefined || (width === height && width >= 1400 && width <= 3000)
}

/**
 * What readers and podcast apps would stumble on in an article's media: an
 * image, enclosure, transcript or chapter art naming a file that is not in MEDIA_DIR, an enclosure
 * size that is unknown or disagrees with the file (the file's is published),
 * an audio type Apple does not play, an episode without a duration.
 */
export function articleMediaProblems(article: Article, media: MediaFacts): ArticleProblem[] {
  const problems: ArticleProblem[] = []
  // Only whether the image is there: measuring it would read the head of every image at start.
  if (article.image && media.isMissing(article.image)) {
    problems.push({ field: 'image', problem: 'names a file that is not in MEDIA_DIR; readers will show a broken image' })
  }
  const transcript = article.transcript
  if (typeof transcript === 'object' && media.isMissing(transcript.url)) {
    problems.push({ field: 'transcript', problem: 'names a file that is not in MEDIA_DIR; podcast apps will show no transcript' })
  }
  article.chapters?.forEach((chapter, index) => {
    if (chapter.image !== undefined && media.isMissing(chapter.image)) {
      problems.push({ field: `chapters[${index + 1}].image`, problem: 'names a file that is not in MEDIA_DIR; podcast apps will show no chapter art' })
    }
  })
  const enclosure = article.enclosure
  if (!enclosure) return problems
  const measured = media.info(enclosure.url)?.length
  if (measured === undefined && media.isLocal(enclosure.url)) {
    problems.push({ field: 'enclosure.url', problem: 'names a file that is not in MEDIA_DIR; podcast apps will fail to download it' })
  } else if (measured === undefined && enclosure.length === undefined) {
    problems.push({ field: 'enclosure.length', problem: 'is missing, and the file is not under MEDIA_DIR to measure; podcast apps need the size in bytes' })
  } else if (measured !== undefined && enclosure.length !== undefined && enclosure.length !== measured) {
    problems.push({ field: 'enclosure.length', problem: `says ${enclosure.length} bytes, the file has ${measured}; the file's size is published` })
  }
  if (enclosure.type.startsWith('audio/')) {
    if (!APPLE_MEDIA_TYPES.has(enclosure.type)) {
      problems.push({ field: 'enclosure.type', problem: `${enclosure.type} is not a format Apple Podcasts plays (MP3, M4A); other podcast apps may` })
    }
    if (enclosure.duration === undefined) problems.push({ field: 'enclosure.duration', problem: 'is missing; podcast apps show no playing time' })
  }
  return problems
}

/** Images the site settings name that are not in MEDIA_DIR, and a podcast cover Apple Podcasts would refuse. */
export function settingsMediaProblems(settings: SiteSettings, media: MediaFacts): ArticleProblem[] {
  const problems: ArticleProblem[] = []
  const images: [field: string, url: string | undefined][] = [
    ['images.icon', settings.images.icon],
    ['images.favicon', settings.images.favicon],
    ['images.rss.url', settings.images.rss?.url],
    ['podcast.image', settings.podcast?.image],
    ['feedly.icon', settings.feedly?.icon],
    ['feedly.logo', settings.feedly?.logo],
    ['feedly.cover', settings.feedly?.cover],
  ]
  for (const [field, url] of images) {
    if (url && media.isMissing(url)) problems.push({ field, problem: 'names a file that is not in MEDIA_DIR' })
  }
  const cover = settings.podcast?.image
  const measured = cover === undefined ? undefined : media.info(cover)
  if (cover && measured?.width !== undefined && !isAppleArtwork(cover, measured.width, measured.height)) {
    problems.push({
      field: 'podcast.image',
      problem: `is ${measured.width} × ${measured.height} px; Apple Podcasts wants a square JPEG or PNG of 1400 to 3000 px`,
    })
  }
  return problems
}
