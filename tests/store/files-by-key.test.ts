/** store/files-by-key.ts: the files under a value of a key, and which files share one with another. */
import { describe, expect, it } from 'vitest'
import { addFile, addFiles, addSharing, deleteFile, type FilesByValue } from '../../src/store/files-by-key.js'

describe('files by value', () => {
  it('gives every file under a value it shares with another, once each, and none that shares no value (addSharing over each kind, as ArticleClashes.sharingFiles)', () => {
    const slugs: FilesByValue = new Map()
    const ids: FilesByValue = new Map()
    const names: FilesByValue = new Map()
    addFile(slugs, 'zinsen', 'a.md')
    addFile(slugs, 'zinsen', 'b.md')
    addFile(ids, 'zinsen', 'b.md')
    addFile(ids, 'zinsen', 'c.md')
    addFile(slugs, 'euro', 'd.md')
    addFile(names, 'e.md', 'e.md')
    const sharing = () => {
      const files = new Set<string>()
      for (const values of [slugs, ids, names]) addSharing(files, values)
      return files
    }
    expect([...sharing()]).toEqual(['a.md', 'b.md', 'c.md'])
    deleteFile(ids, 'zinsen', 'c.md')
    expect([...sharing()]).toEqual(['a.md', 'b.md'])
  })

  it('holds a value used by one file as that file\'s string, a Set only while a second file shares it (ArticleClashes keeps its slugs and ids so)', () => {
    const slugs: FilesByValue = new Map()
    addFile(slugs, 'zinsen', 'a.md')
    addFile(slugs, 'zinsen', 'a.md')
    addFile(slugs, 'euro', 'c.md')
    expect([...slugs]).toEqual([['zinsen', 'a.md'], ['euro', 'c.md']])
    addFile(slugs, 'zinsen', 'b.md')
    expect(slugs.get('zinsen')).toEqual(new Set(['a.md', 'b.md']))
    const sharing = new Set<string>()
    addSharing(sharing, slugs)
    expect([...sharing]).toEqual(['a.md', 'b.md'])
    deleteFile(slugs, 'zinsen', 'a.md')
    deleteFile(slugs, 'euro', 'x.md')
    expect([...slugs]).toEqual([['zinsen', 'b.md'], ['euro', 'c.md']])
    const files = new Set<string>()
    addFiles(files, slugs.get('zinsen'))
    addFiles(files, slugs.get('none'))
    expect([...files]).toEqual(['b.md'])
  })
})
