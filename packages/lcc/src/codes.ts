// Every diagnostic code of the language, in one table. Codes are stable: never renumber one, only
// add. Ranges: LCC001-019 syntax, LCC020-049 check, LCC050-069 interpreter, LCC070-089 model
// checker and diagrams. Other phases append their rows here.
import type { Diagnostic, Severity } from './diagnostic.js'
import type { Span } from './span.js'

export interface CodeInfo {
  /** The severity used unless the phase that reports it says otherwise. */
  severity: Severity
  title: string
  hint: string
}

export const codes: Readonly<Record<string, CodeInfo>> = {
  // --- syntax -------------------------------------------------------------------------------
  LCC001: { severity: 'error', title: 'unexpected character', hint: 'remove the character, or put it in a quoted atom or a comment' },
  LCC002: { severity: 'error', title: 'unterminated string or quoted atom', hint: 'close the quote on the same line' },
  LCC003: { severity: 'error', title: 'unterminated block comment', hint: 'close the comment with */' },
  LCC004: { severity: 'error', title: 'unexpected token', hint: 'check the syntax near this point against the LCC grammar' },
  LCC005: { severity: 'error', title: 'missing :: after clause head', hint: 'write a clause as a(Role, Id) :: Definition' },
  LCC006: { severity: 'error', title: 'unbalanced brackets', hint: 'every ( and [ needs its matching ) and ]' },
  LCC007: { severity: 'error', title: 'or mixed with par without parentheses', hint: 'add parentheses: (A or B) par C' },
  LCC008: { severity: 'warning', title: 'dangling then', hint: 'remove the trailing then' },
  LCC009: { severity: 'error', title: 'nesting too deep', hint: 'split the definition into smaller roles' },
  LCC010: { severity: 'error', title: 'expected a role a(Role, Id)', hint: 'messages, role changes and clause heads name a role as a(Role, Id)' },
  LCC011: { severity: 'error', title: 'bad role declaration', hint: 'write r(role, initial), r(role, necessary, N) or r(role, auxiliary)' },
  LCC012: { severity: 'error', title: 'bad step', hint: 'a step is M => a(R, X), M <= a(R, X), C <- M <= a(R, X), null <- C or a(R, X)' },
  LCC013: { severity: 'error', title: 'typographic quote outside a comment', hint: 'use ASCII quotes: \'atom\' or "string"' },
  LCC014: { severity: 'error', title: 'constraint connective inside a term', hint: 'and, or, not join constraints, not terms; write the constraint after <-' },
  LCC015: { severity: 'error', title: 'missing definition after ::', hint: 'give the role a definition, e.g. a(idle, X) :: null <- true' },
  LCC016: { severity: 'warning', title: 'empty model', hint: 'an interaction model needs at least one clause a(Role, Id) :: Definition' },
  // --- check --------------------------------------------------------------------------------
  LCC020: { severity: 'error', title: 'undefined role', hint: 'define the role with a clause a(Role, Id) :: ..., or fix the role name' },
  LCC021: { severity: 'warning', title: 'message sent that no role receives', hint: 'add a matching M <= a(Sender, X) to the receiving role, or remove the send' },
  LCC022: { severity: 'warning', title: 'message received that nothing sends', hint: 'add a matching M => a(Receiver, X) to the sending role, or remove the receive' },
  LCC023: { severity: 'error', title: 'variable used unbound', hint: 'bind the variable earlier: in the clause head, a received message, or a constraint' },
  LCC024: { severity: 'warning', title: 'variable sent unbound', hint: 'bind the variable before sending, or use a constant' },
  LCC025: { severity: 'warning', title: 'role change with unbound argument', hint: 'bind the variable before changing role, or use _' },
  LCC026: { severity: 'error', title: 'unknown constraint', hint: 'provide a component name/arity for it, or fix the name or the number of arguments' },
  LCC027: { severity: 'error', title: 'goal is not callable', hint: 'a constraint is an atom or a compound term such as ready(X)' },
  LCC030: { severity: 'warning', title: 'choice binds to the preceding then', hint: 'add parentheses: X then (A or B)' },
  LCC031: { severity: 'error', title: 'declared role has no clause', hint: 'add a clause a(Role, Id) :: ... or remove the r(...) declaration' },
  LCC032: { severity: 'error', title: 'duplicate clause for a role', hint: 'merge the definitions with or, or rename one role' },
  LCC033: { severity: 'info', title: 'no initial role', hint: 'declare where peers start with r(role, initial)' },
  LCC034: { severity: 'warning', title: 'duplicate role declaration', hint: 'keep one r(...) declaration per role' },
  LCC035: { severity: 'error', title: 'role change for another peer', hint: 'a peer changes only its own role: use the clause head\'s id, e.g. a(idle, ID2) in a clause headed a(underloaded, ID2)' },
  // --- interpreter, terms and run reports (LCC050-069; errors.ts has the classes) --------------
  LCC050: { severity: 'error', title: 'malformed term', hint: 'a term is a number, {"a":atom}, {"s":string}, {"v":Var}, {"f":functor,"args":[...]} or {"l":[...],"t":tail}' },
  LCC051: { severity: 'error', title: 'arithmetic on an unbound variable', hint: 'bind the variable in an earlier step or constraint before computing with it' },
  LCC052: { severity: 'error', title: 'not a number or arithmetic expression', hint: 'arithmetic knows numbers, + - * / mod, unary minus, abs, min and max' },
  LCC053: { severity: 'error', title: 'arithmetic result out of range', hint: 'guard the divisor, e.g. D \\= 0' },
  LCC054: { severity: 'error', title: 'model cannot be compiled', hint: 'run parley im check on the model: it reports this with more context' },
  LCC055: { severity: 'error', title: 'no clause for the role', hint: 'define a(Role, Id) :: ... or fix the role name' },
  LCC056: { severity: 'error', title: 'role change does not match the clause head', hint: 'give the role change as many arguments as the clause head has' },
  LCC057: { severity: 'error', title: 'role change for another peer', hint: 'use the clause\'s own id in the role change' },
  LCC058: { severity: 'error', title: 'unknown constraint at run time', hint: 'register the constraint for this peer, or run parley im check with the component list' },
  LCC059: { severity: 'error', title: 'constraint timed out', hint: 'the component is stuck or its host is unreachable' },
  LCC060: { severity: 'error', title: 'constraint raised an error', hint: 'a constraint signals "does not hold" by returning false; errors are faults' },
  LCC061: { severity: 'error', title: 'constraint returned a bad result', hint: 'return true, false, or one term per argument' },
  LCC062: { severity: 'error', title: 'goal variable is not callable', hint: 'bind the goal variable to an atom or compound before the constraint runs' },
  LCC063: { severity: 'error', title: 'not a peer id', hint: 'peer ids are atoms or strings' },
  LCC064: { severity: 'error', title: 'no such peer', hint: 'the peer left the interaction, or the id was computed wrongly' },
  LCC065: { severity: 'error', title: 'peer resolver failed', hint: 'check discovery: the resolver must return a peer id or null' },
  LCC066: { severity: 'error', title: 'peer blocked', hint: 'a message that never comes or a constraint that never holds; parley im verify shows how the peers got here' },
  LCC067: { severity: 'warning', title: 'step budget exhausted', hint: 'an IM that loops never quiesces: stop it by budget or by a condition' },
  LCC068: { severity: 'error', title: 'interpreter fault', hint: 'a bug in @parley/lcc; report it with the model and the trace' },
  // --- model checker (im verify) and diagrams (im draw) ---------------------------------------
  LCC070: { severity: 'error', title: 'deadlock', hint: 'a peer waits for a message its partner never sends: check the order of sends and receives in both roles' },
  LCC071: { severity: 'error', title: 'stuck after committed choice', hint: 'the choice committed before the test that decides it; add parentheses: X then (A or B)' },
  LCC072: { severity: 'error', title: 'orphan message', hint: 'a message is sent that no peer ever receives: match the receiving role, message and sender role' },
  LCC073: { severity: 'error', title: 'message or role change to a role with no clause', hint: 'define the role with a clause a(Role, Id) :: ..., or fix the role name' },
  LCC074: { severity: 'error', title: 'no way back to rest', hint: 'some peer can never return to its initial role: give every role a path back' },
  LCC075: { severity: 'warning', title: 'waits for a partner no peer can play', hint: 'every peer waits for a role nobody plays; give the waiting roles a way back to the initial role (e.g. a timeout branch)' },
  LCC076: { severity: 'warning', title: 'unreachable clause', hint: 'no run enters this role: add a role change to it or remove it' },
  LCC077: { severity: 'warning', title: 'unreachable branch', hint: 'no run commits to this branch: an earlier branch always fires first' },
  LCC078: { severity: 'warning', title: 'search bound reached', hint: 'raise --depth (or the state limit); findings so far are real, absence of others is not proven' },
  LCC079: { severity: 'error', title: 'bad verify or draw option', hint: 'see parley im verify --help and parley im draw --help' },
}

/** A diagnostic with the code's default severity and hint; `severity` overrides the default. */
export function diagnostic (code: string, message: string, span: Span, severity?: Severity): Diagnostic {
  const info = codes[code]
  return {
    severity: severity ?? info?.severity ?? 'error',
    code,
    message,
    span,
    hint: info?.hint ?? 'see the LCC diagnostic codes in @parley/lcc codes.ts',
  }
}
