import { parseArticle } from '../../src/content/parse-article.js'
import type { ArticleSource } from '../../src/store/content-store.js'
import type { Config } from '../../src/config.js'

/** Article files held in a map (path → text); change the map and reload. */
export function memorySource(files: Map<string, string>, config: Pick<Config, 'siteUrl' | 'timeZone' | 'language'>): ArticleSource {
  return {
    list: async () => ({
      files: [...files.keys()].sort().map((file) => ({ file, absolute: `/memory/${file}` })),
      refused: [],
    }),
    read: async (entry) => {
      const text = files.get(entry.file)
      if (text === undefined) throw new Error(`ENOENT ${entry.file}`)
      return parseArticle(text, entry.file, config)
    },
  }
}
