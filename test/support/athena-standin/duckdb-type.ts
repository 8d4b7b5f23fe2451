/**
 * A small parser for DuckDB's type text (`Column.engineType` of the local engine), so nested
 * values (a DOUBLE inside a list, a TIMESTAMP inside a struct) print as Athena prints them.
 */

/** A DuckDB type as a tree. `name` is upper case; lists (`T[]`, `T[3]`) are `LIST`. */
export interface DuckDBTypeTree {
  readonly name: string;
  /** DECIMAL(p, s) and other numeric arguments. */
  readonly args?: readonly number[];
  /** LIST: the element type. */
  readonly element?: DuckDBTypeTree;
  /** MAP: key and value types. */
  readonly key?: DuckDBTypeTree;
  readonly value?: DuckDBTypeTree;
  /** STRUCT (and UNION): the fields in order, names unquoted. */
  readonly fields?: readonly { readonly name: string; readonly type: DuckDBTypeTree }[];
}

const TOKEN = /\s+|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*|\d+|[(),[\]]/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let at = 0;
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`cannot read DuckDB type ${JSON.stringify(text)} at ${at}`);
    if (match[0].trim() !== '') tokens.push(match[0]);
    at += match[0].length;
  }
  return tokens;
}

const isWord = (token: string | undefined): token is string => token !== undefined && /^[A-Za-z_]/.test(token);

/**
 * Parses DuckDB type text.
 *
 * @example
 * parseDuckDBType('STRUCT("arn" VARCHAR, "n" INTEGER)[]');
 * // { name: 'LIST', element: { name: 'STRUCT', fields: [{ name: 'arn', … }, { name: 'n', … }] } }
 */
export function parseDuckDBType(text: string): DuckDBTypeTree {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const expect = (token: string): void => {
    if (tokens[at] !== token) throw new Error(`DuckDB type ${JSON.stringify(text)}: expected ${token} at token ${at}`);
    at++;
  };
  const name = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`DuckDB type ${JSON.stringify(text)} ends early`);
    return token.startsWith('"') ? token.slice(1, -1).replace(/""/g, '"') : token;
  };

  const parseType = (): DuckDBTypeTree => {
    const words: string[] = [];
    while (isWord(peek())) words.push(tokens[at++]!.toUpperCase());
    if (words.length === 0) throw new Error(`DuckDB type ${JSON.stringify(text)}: expected a type name at token ${at}`);
    let type: DuckDBTypeTree = { name: words.join(' ') };
    if (peek() === '(') {
      at++;
      if (type.name === 'STRUCT' || type.name === 'UNION') {
        const fields: { name: string; type: DuckDBTypeTree }[] = [];
        do {
          if (peek() === ',') at++;
          fields.push({ name: name(), type: parseType() });
        } while (peek() === ',');
        type = { name: type.name, fields };
      } else if (type.name === 'MAP') {
        const key = parseType();
        expect(',');
        type = { name: 'MAP', key, value: parseType() };
      } else {
        const args: number[] = [];
        while (peek() !== ')' && peek() !== undefined) {
          const token = tokens[at++]!;
          if (token !== ',') args.push(Number(token));
        }
        type = { name: type.name, args };
      }
      expect(')');
    }
    while (peek() === '[') {
      at++;
      if (peek() !== ']') at++;
      expect(']');
      type = { name: 'LIST', element: type };
    }
    return type;
  };

  const type = parseType();
  if (at !== tokens.length) throw new Error(`DuckDB type ${JSON.stringify(text)}: unexpected ${tokens[at]}`);
  return type;
}
