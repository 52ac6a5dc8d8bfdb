import { parseArticle } from '../../src/content/parse-article.js'
import type { ArticleSource } from '../../src/store/content-store.js'
import type { Config } from '../../src/config.js'

/** Article files held in a map (path → text); change the map, then apply the change or reload. */
export function memorySource(files: Map<string, string>, config: Pick<Config, 'siteUrl' | 'timeZone' | 'language'>): ArticleSource {
  return {
    list: async (folder = '') => ({
      files: [...files.keys()].filter((file) => folder === '' || file.startsWith(`${folder}/`)).sort(),
      refused: [],
    }),
    read: async (file) => {
      const text = files.get(file)
      return text === undefined ? undefined : parseArticle(text, file, config)
    },
    available: async () => true,
  }
}
