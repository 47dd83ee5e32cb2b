// Small IMs for the model checker and diagram tests. They live here rather than under
// test/fixtures/ because every .lcc there also gets golden files from the parser's tests.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixturesDir, repoDir } from './syntax-fixtures.js'

/** Each role waits for the other to speak first: a deadlock in the initial state. */
export const waitForEachOther = `// Each role waits for the other to speak first.
a(alice, A) ::
  hello <= a(bob, B) then
  hi => a(bob, B).

a(bob, B) ::
  hi <= a(alice, A) then
  hello => a(alice, A).
`

/** A correct handshake: the client speaks first, the server answers. */
export const handshake = `a(client, C) ::
  hello(C) => a(server, S) then
  welcome(Name) <= a(server, S).

a(server, S) ::
  hello(C) <= a(client, C) then
  welcome(parley) => a(client, C).
`

/** The server answers ack, which the client does not expect: an orphan and a deadlock. */
export const forgetsReply = `a(client, C) ::
  ping => a(server, S) then
  done <= a(server, S).

a(server, S) ::
  ping <= a(client, C) then
  ack => a(client, C).
`

/** The second branch can never be taken: the first always fires first. */
export const shadowedBranch = `a(worker, W) ::
  ( null <- true then done => a(boss, B) )
  or
  ( null <- busy() then done => a(boss, B) ).

a(boss, B) ::
  done <= a(worker, W).

a(spare, S) ::
  null <- true.
`

/** A counter that never returns: the depth bound stops the search. */
export const counter = `r(start, initial)

a(start, X) ::
  a(count(0), X).

a(count(N), X) ::
  null <- M is N + 1 then
  a(count(M), X).
`

export const papers = {
  balance2012: readFileSync(join(fixturesDir, 'papers', 'vichos-2012-balance.lcc'), 'utf8'),
  consolidate2012: readFileSync(join(fixturesDir, 'papers', 'vichos-2012-consolidate.lcc'), 'utf8'),
}

export const balance = readFileSync(join(repoDir, 'ims', 'balance.lcc'), 'utf8')
