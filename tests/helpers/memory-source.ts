import { parseArticle } from '../../src/content/parse-article.js'
import type { ArticleSource } from '../../src/content/article-source.js'
import type { Config } from '../../src/config.js'

/** Article files held in a map (path → text); change the map, then apply the change or reload. */
export function memorySource(files: Map<string, string>, config: Pick<Config, 'siteUrl' | 'timeZone' | 'language'>): ArticleSource {
  // A file's stamp is its text: it changes whenever the file does.
  const readStamps = new Map<string, string>()
  return {
    list: async (folder = '') => ({
      files: [...files.keys()].filter((file) => folder === '' || file.startsWith(`${folder}/`)).sort(),
      refused: [],
      skippedFolders: [],
    }),
    readForIndex: async (file) => {
      const text = files.get(file)
      if (text === undefined) readStamps.delete(file)
      else readStamps.set(file, text)
      return text === undefined ? undefined : parseArticle(text, file, config)
    },
    readBody: async (file) => {
      const text = files.get(file)
      return text === undefined ? undefined : parseArticle(text, file, config)
    },
    rootId: async () => 'memory',
    stamps: async () => ({ files: new Map(files), unreadable: [] }),
    readStamp: (file) => readStamps.get(file),
  }
}
