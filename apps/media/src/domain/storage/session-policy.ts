/**
 * The session policy given with STS AssumeRole: the temporary credentials may only PUT objects
 * under the listed key prefixes of one bucket (the dock's organization and flights). AWS, MinIO
 * and Alibaba OSS intersect it with the role's own policy; the embedded stand-in evaluates it
 * itself (evaluatePutAllowed). Defined once, here, for both sides.
 */

export interface UploadGrant {
  bucket: string;
  /** Key prefixes, each ending in "/"; an object key must start with one of them. */
  prefixes: string[];
}

interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface SessionPolicy {
  Version: '2012-10-17';
  Statement: Statement[];
}

/** Write-only: PutObject and the multipart calls a large video needs, nothing else. */
export const UPLOAD_ACTIONS = [
  's3:PutObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
];

export function uploadPolicy(grant: UploadGrant): SessionPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: UPLOAD_ACTIONS,
        Resource: grant.prefixes.map((prefix) => `arn:aws:s3:::${grant.bucket}/${prefix}*`),
      },
    ],
  };
}

/** Reads a policy document back into a grant; null when it is not one this system wrote. */
export function grantOfPolicy(document: string): UploadGrant | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return null;
  }
  const statements = (parsed as { Statement?: unknown })?.Statement;
  if (!Array.isArray(statements)) return null;
  let bucket: string | undefined;
  const prefixes: string[] = [];
  for (const statement of statements as Partial<Statement>[]) {
    if (statement.Effect !== 'Allow' || !Array.isArray(statement.Action)) continue;
    if (!statement.Action.includes('s3:PutObject') || !Array.isArray(statement.Resource)) continue;
    for (const resource of statement.Resource) {
      const match = /^arn:aws:s3:::([^/]+)\/(.*)\*$/.exec(String(resource));
      if (!match) return null;
      if (bucket !== undefined && bucket !== match[1]) return null;
      bucket = match[1];
      prefixes.push(match[2]);
    }
  }
  return bucket === undefined ? null : { bucket, prefixes };
}

/** True when `grant` lets an object be written at `bucket`/`key`. */
export function evaluatePutAllowed(grant: UploadGrant, bucket: string, key: string): boolean {
  if (grant.bucket !== bucket) return false;
  if (key.split('/').some((segment) => segment === '..' || segment === '.')) return false;
  return grant.prefixes.some((prefix) => key.startsWith(prefix));
}
