import type { ArticleSource } from '../content/article-source.js'
import { stampTime } from '../content/load-articles.js'

/**
 * `source`, telling `saved` the modification time of every file read for
 * the index (Operations: the publish delay starts there). It stands in the
 * chain of sources before the index snapshot, so it is one of the modules
 * whose code decides the parse identity (scripts/build.mjs: PARSE_ROOTS):
 * anything it did to what a read gives would be held in the snapshot.
 */
export function timedSource(source: ArticleSource, saved: (time: number) => void): ArticleSource {
  return {
    ...source,
    readForIndex: async (file) => {
      try {
        return await source.readForIndex(file)
      } finally {
        const time = stampTime(source.readStamp(file))
        if (time !== undefined) saved(time)
      }
    },
  }
}
