// Validates Kubernetes objects against the JSON schemas of the Kubernetes API, as shipped by the
// `kubernetes-models` package (ESM only, hence a separate process): reads a JSON array of
// objects on stdin, prints a JSON array of {index, kind, name, errors} for every invalid one.
// An object whose apiVersion/kind has no schema in the package is reported as such.
/* global process, Buffer */

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const problems = [];
for (const [index, object] of objects.entries()) {
  const name = object?.metadata?.name;
  const modulePath = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  let Model;
  try {
    Model = (await import(modulePath))[object.kind];
  } catch {
    problems.push({
      index,
      kind: object.kind,
      name,
      errors: [`no schema for ${object.apiVersion} ${object.kind}`],
    });
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    const errors = (error.errors ?? [{ message: error.message }]).map((e) =>
      `${e.instancePath ?? ''} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim(),
    );
    problems.push({ index, kind: object.kind, name, errors });
  }
}
process.stdout.write(JSON.stringify(problems));
