/** FilesByKey (store/files-by-key.ts): the files under a key, and which files share one with another. */
import { describe, expect, it } from 'vitest'
import { addFile, addFiles, addSharing, deleteFile, FilesByKey, type FilesByValue } from '../../src/store/files-by-key.js'

describe('FilesByKey', () => {
  it('gives every file under a key it shares with another, once each, and none that shares no key', () => {
    const keys = new FilesByKey()
    keys.add('slug\nwirtschaft', 'zinsen', 'a.md')
    keys.add('slug\nwirtschaft', 'zinsen', 'b.md')
    keys.add('id\nwirtschaft', 'zinsen', 'b.md')
    keys.add('id\nwirtschaft', 'zinsen', 'c.md')
    keys.add('slug\nwirtschaft', 'euro', 'd.md')
    keys.add('name', 'e.md', 'e.md')
    expect([...keys.sharingFiles()]).toEqual(['a.md', 'b.md', 'c.md'])
    keys.delete('id\nwirtschaft', 'zinsen', 'c.md')
    expect([...keys.sharingFiles()]).toEqual(['a.md', 'b.md'])
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
