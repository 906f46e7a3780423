import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DEPLOY = path.join(ROOT, 'deploy');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  type?: string;
}

/** `kubectl kustomize <dir>` (offline), parsed; fails with a clear message without kubectl. */
export function kustomize(dir: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', path.join(DEPLOY, dir)], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed: these checks render deploy/ with `kubectl kustomize` ' +
          '(offline, no cluster needed). Install kubectl 1.27+ and run again.',
      );
    }
    throw new Error(`kubectl kustomize deploy/${dir} failed:\n${e.stderr ?? e.message}`);
  }
  return parseYamlDocuments(out);
}

export function parseYamlDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJSON() as K8sObject;
    })
    .filter(Boolean);
}

export interface SchemaProblem {
  index: number;
  kind: string;
  name?: string;
  errors: string[];
}

/**
 * Every object against the Kubernetes API's JSON schemas (package kubernetes-models 4.5, the last
 * release that runs on Node.js 20): types, formats, enums, required fields.
 */
export function validateAgainstSchemas(objects: readonly K8sObject[]): SchemaProblem[] {
  // kubectl wraps long base64 values at 70 columns; the API server's decoder skips the line
  // breaks, the package's "byte" format does not: compare the value the API server decodes.
  const normalised = objects.map((o) =>
    o.kind === 'Secret' && o.data
      ? {
          ...o,
          data: Object.fromEntries(
            Object.entries(o.data).map(([k, v]) => [k, v.replace(/\s+/g, '')]),
          ),
        }
      : o,
  );
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(normalised),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out) as SchemaProblem[];
}

/**
 * The check the JSON schemas leave out: fields the API does not know (a misspelt
 * `readinesProbe` is silently dropped by a cluster). Each object becomes a typed literal of the
 * package's TypeScript interface, and the compiler's excess-property check reports unknown
 * fields at any depth.
 */
export function unknownFields(objects: readonly K8sObject[]): string[] {
  const file = path.join(ROOT, 'test', 'deploy', '__k8s_strict__.ts');
  const imports = new Map<string, string>();
  const lines: string[] = [];
  objects.forEach((object, i) => {
    const source = `kubernetes-models/${object.apiVersion}/${object.kind}`;
    const alias = `T${imports.size}`;
    if (!imports.has(source)) imports.set(source, alias);
    lines.push(
      `// ${object.kind}/${object.metadata.name}`,
      `export const o${i}: ${imports.get(source)} = ${JSON.stringify(object, null, 1)};`,
    );
  });
  const text = [
    ...[...imports].map(
      ([source, alias]) =>
        `import type { I${source.split('/').pop()} as ${alias} } from '${source}';`,
    ),
    ...lines,
  ].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, text, language)
      : getSourceFile.call(host, name, language, ...rest);
  const program = ts.createProgram([file], options, host);
  const textLines = text.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    // Name the object: the nearest "// Kind/name" line above the error.
    let at = line;
    while (at > 0 && !textLines[at].startsWith('// ')) at--;
    return `${textLines[at].slice(3)}: ${message.split('\n').pop()}`;
  });
}

/** Objects of a kind, by name. */
export function byKind<T extends K8sObject = K8sObject>(
  objects: readonly K8sObject[],
  kind: string,
): Map<string, T> {
  return new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata.name, o as T]));
}
