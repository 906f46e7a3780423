import { XMLValidator } from 'fast-xml-parser';

/** Why `text` is not well-formed XML ("line 3, column 7: ..."), or undefined when it is. */
export function xmlProblem(text: string): string | undefined {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result === true) return undefined;
  const { line, col, msg } = result.err;
  return `line ${line}, column ${col}: ${msg}`;
}
