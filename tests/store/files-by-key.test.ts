/** FilesByKey (store/files-by-key.ts): the files under a key, and which files share one with another. */
import { describe, expect, it } from 'vitest'
import { FilesByKey } from '../../src/store/files-by-key.js'

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
})
