import { describe, expect, it } from 'vitest'
import { readFormQuery } from '../../src/http/form-query.js'

describe('readFormQuery', () => {
  it('reads names and values as forms write them: + is a space, %XX is UTF-8, repeats kept in order', () => {
    const query = readFormQuery('author=Miriam+Okafor&tag=B%C3%B6rse&tag=EZB&t%61g=KI&flag&=leer&&x=a%2Bb')
    expect(query).toEqual(
      new Map([
        ['author', ['Miriam Okafor']],
        ['tag', ['Börse', 'EZB', 'KI']],
        ['flag', ['']],
        ['', ['leer']],
        ['x', ['a+b']],
      ]),
    )
  })

  it('refuses bad percent-encoding, naming the pair as sent', () => {
    expect(readFormQuery('tag=KI&author=Lea%2')).toEqual({ problem: '"author=Lea%2" is not valid percent-encoding' })
    expect(readFormQuery('tag=%ZZ')).toEqual({ problem: '"tag=%ZZ" is not valid percent-encoding' })
    // Percent-encoded bytes that are not UTF-8: a lone lead byte, a lone surrogate.
    expect(readFormQuery('tag=%C3')).toEqual({ problem: '"tag=%C3" is not valid percent-encoding' })
    expect(readFormQuery('tag=%ED%A0%80')).toEqual({ problem: '"tag=%ED%A0%80" is not valid percent-encoding' })
    // A long one is shown cut, with its length.
    expect(readFormQuery(`tag=${'%C3'.repeat(4000)}`)).toEqual({ problem: `"tag=${'%C3'.repeat(25)}%"… (12004 characters) is not valid percent-encoding` })
    expect(readFormQuery('t%g=KI')).toEqual({ problem: '"t%g=KI" is not valid percent-encoding' })
  })
})
