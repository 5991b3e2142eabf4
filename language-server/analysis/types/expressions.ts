// A small expression form that type inference reads: built from syntax nodes (or annotation strings) once, kept as
// plain data so that summaries of other modules outlive their syntax trees.
import type { Node } from 'web-tree-sitter';
import { namedChildrenOf } from '../../syntax/nodes';

export type Expr =
  | { kind: 'name'; name: string } // `a` or `a.b.c`
  | { kind: 'attribute'; of: Expr; name: string } // `f().b`
  | { kind: 'call'; callee: Expr }
  | { kind: 'await'; of: Expr }
  | { kind: 'subscript'; of: Expr; args: Expr[] }
  | { kind: 'union'; options: Expr[] } // `A | B`, `A if c else B`
  | { kind: 'tuple'; items: Expr[] }
  | { kind: 'none' }
  | { kind: 'unknown' };

const UNKNOWN: Expr = { kind: 'unknown' };

/** The expression form of a syntax node; in an annotation, string literals are read as the annotation they spell. */
export function exprOf(node: Node | null | undefined, annotation = false): Expr {
  if (!node) return UNKNOWN;
  switch (node.type) {
    case 'identifier':
      return { kind: 'name', name: node.text };
    case 'attribute': {
      const of = exprOf(node.childForFieldName('object'), annotation);
      const name = node.childForFieldName('attribute')?.text;
      if (!name) return UNKNOWN;
      return of.kind === 'name' ? { kind: 'name', name: `${of.name}.${name}` } : { kind: 'attribute', of, name };
    }
    case 'call':
      return { kind: 'call', callee: exprOf(node.childForFieldName('function'), false) };
    case 'await':
      return { kind: 'await', of: exprOf(node.firstNamedChild, false) };
    case 'parenthesized_expression':
      return exprOf(node.firstNamedChild, annotation);
    case 'conditional_expression': {
      const [whenTrue, , whenFalse] = namedChildrenOf(node);
      return { kind: 'union', options: [exprOf(whenTrue, annotation), exprOf(whenFalse, annotation)] };
    }
    case 'binary_operator':
      if (node.childForFieldName('operator')?.type !== '|') return UNKNOWN;
      return { kind: 'union', options: [exprOf(node.childForFieldName('left'), annotation), exprOf(node.childForFieldName('right'), annotation)] };
    case 'subscript':
      return { kind: 'subscript', of: exprOf(node.childForFieldName('value'), annotation), args: node.childrenForFieldName('subscript').map((arg) => exprOf(arg, annotation)) };
    case 'generic_type': {
      // `tuple[A, B]` in an annotation: the grammar's own node for a subscripted type.
      const [of, parameters] = namedChildrenOf(node);
      return { kind: 'subscript', of: exprOf(of, annotation), args: parameters ? namedChildrenOf(parameters).map((arg) => exprOf(arg, annotation)) : [] };
    }
    case 'none':
      return { kind: 'none' };
    case 'tuple':
    case 'expression_list':
      return { kind: 'tuple', items: namedChildrenOf(node).map((item) => exprOf(item, annotation)) };
    case 'type':
      return exprOf(node.firstNamedChild, annotation);
    case 'string':
      return annotation ? parseAnnotation(stringContent(node)) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function stringContent(node: Node): string {
  const content = namedChildrenOf(node).filter((child) => child.type === 'string_content');
  return content.length === 1 ? content[0].text : '';
}

/** Reads a string annotation (`"Optional[aiohttp.ClientSession]"`): dotted names, subscripts, `|` and `None`. */
export function parseAnnotation(text: string): Expr {
  const tokens = text.match(/[A-Za-z_][\w.]*|\[|\]|,|\||\.\.\./g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return UNKNOWN;
  let at = 0;
  const union = (): Expr => {
    const options = [primary()];
    while (tokens[at] === '|') {
      at++;
      options.push(primary());
    }
    return options.length === 1 ? options[0] : { kind: 'union', options };
  };
  const primary = (): Expr => {
    const token = tokens[at++];
    if (token === undefined || !/^[A-Za-z_]/.test(token)) return UNKNOWN;
    const base: Expr = token === 'None' ? { kind: 'none' } : { kind: 'name', name: token };
    if (tokens[at] !== '[') return base;
    at++;
    const args = [union()];
    while (tokens[at] === ',') {
      at++;
      args.push(union());
    }
    if (tokens[at++] !== ']') return UNKNOWN;
    return { kind: 'subscript', of: base, args };
  };
  const parsed = union();
  return at === tokens.length ? parsed : UNKNOWN;
}
