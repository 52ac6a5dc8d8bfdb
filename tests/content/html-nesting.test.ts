import { describe, expect, it } from 'vitest'
import { htmlNestingDepth } from '../../src/content/html-nesting.js'

describe('htmlNestingDepth', () => {
  it('counts the elements open at once', () => {
    expect(htmlNestingDepth('<p>a <b>b <i>c</i></b></p><div><span>x</span></div>', 100)).toBe(3)
  })

  it('counts void elements and stray closing tags as nothing', () => {
    expect(htmlNestingDepth('<p><img src="x"><br><hr></b></i></p></p>', 100)).toBe(1)
  })

  it('closes everything above the element a closing tag names, as a parser does', () => {
    expect(htmlNestingDepth('<div><b><i><u></div><div><b>', 100)).toBe(4)
    // After </div> closed all four, the second <div><b> opens two.
    expect(htmlNestingDepth('<div><b><i><u></div>' + '<div><b></b></div>'.repeat(10), 100)).toBe(4)
  })

  it('lets an opening p, li, td or option close the one before, as htmlparser2 does', () => {
    expect(htmlNestingDepth('<p>a<p>b<p>c', 100)).toBe(1)
    expect(htmlNestingDepth('<ul><li>a<li>b<li>c</ul>', 100)).toBe(2)
    expect(htmlNestingDepth('<table><tr><td>a<td>b<tr><td>c</table>', 100)).toBe(3)
    expect(htmlNestingDepth('<p>Text<div>Block</div>', 100)).toBe(1)
  })

  it('counts unclosed tags and correctly nested ones alike, and stops past the limit', () => {
    expect(htmlNestingDepth('<b>'.repeat(50), 100)).toBe(50)
    expect(htmlNestingDepth('<div>'.repeat(500) + '</div>'.repeat(500), 100)).toBe(101)
  })

  it('reads tag names regardless of case, and text with lone angle brackets as text', () => {
    expect(htmlNestingDepth('<B><b></B>', 100)).toBe(2)
    expect(htmlNestingDepth('a < b > c <3 <', 100)).toBe(0)
    expect(htmlNestingDepth('<b' + '<b'.repeat(100_000), 100)).toBe(0)
  })
})
