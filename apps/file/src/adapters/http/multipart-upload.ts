import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

/** A multipart upload written to a temporary file, measured while it streamed in. */
export interface ReceivedUpload {
  path: string;
  sizeBytes: number;
  /** MD5 of the exact bytes received: the fingerprint docks verify. */
  md5Hex: string;
  fileName: string | undefined;
  fields: Record<string, string>;
}

export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadSettings {
  /** The largest file accepted (FILE_MAX_UPLOAD_BYTES); larger is refused with 413. */
  maxBytes: number;
  tempDir: string;
  /** The form field that carries the file. */
  fileField: string;
}

/**
 * Streams the one file of a multipart/form-data request to a temporary file, hashing it on the
 * way, never holding it in memory. Refuses (UploadError) other content types, a missing file,
 * more than one file and files over the limit; on any refusal the temporary file is removed.
 * The caller owns the returned file and removes it when done.
 */
export async function receiveUpload(
  request: IncomingMessage,
  settings: UploadSettings,
): Promise<ReceivedUpload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new UploadError(
      415,
      'unsupported_media_type',
      `send the KMZ as multipart/form-data with the file in the "${settings.fileField}" field`,
    );
  }
  await mkdir(settings.tempDir, { recursive: true });
  const tempPath = path.join(settings.tempDir, `${randomUUID()}.upload`);
  try {
    return await parse(request, settings, tempPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    // Stop reading what the client still sends; the response goes out regardless.
    request.unpipe();
    request.resume();
    throw error;
  }
}

function parse(
  request: IncomingMessage,
  settings: UploadSettings,
  tempPath: string,
): Promise<ReceivedUpload> {
  return new Promise<ReceivedUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { files: 1, fileSize: settings.maxBytes, fields: 10, fieldSize: 4096, parts: 12 },
      });
    } catch (error) {
      reject(new UploadError(400, 'malformed_multipart', (error as Error).message));
      return;
    }
    const fields: Record<string, string> = {};
    let failed: UploadError | undefined;
    let written: Promise<{ sizeBytes: number; md5Hex: string; fileName: string }> | undefined;
    const fail = (error: UploadError) => {
      failed ??= error;
    };

    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== settings.fileField || written) {
        stream.resume();
        if (name !== settings.fileField) {
          fail(
            new UploadError(
              400,
              'unexpected_file_field',
              `files go in the "${settings.fileField}" field, not "${name}"`,
            ),
          );
        }
        return;
      }
      stream.once('limit', () =>
        fail(
          new UploadError(
            413,
            'file_too_large',
            `the file exceeds the ${settings.maxBytes}-byte upload limit (FILE_MAX_UPLOAD_BYTES)`,
          ),
        ),
      );
      written = writeHashed(stream, tempPath).then((result) => ({
        ...result,
        fileName: info.filename,
      }));
      written.catch(() => undefined); // surfaced on close
    });
    parser.on('filesLimit', () =>
      fail(new UploadError(400, 'too_many_files', 'send exactly one file per upload')),
    );
    parser.on('partsLimit', () =>
      fail(new UploadError(400, 'too_many_parts', 'the form has too many parts')),
    );
    parser.on('fieldsLimit', () =>
      fail(new UploadError(400, 'too_many_fields', 'the form has too many fields')),
    );
    parser.on('error', (error: Error) =>
      reject(
        new UploadError(
          400,
          'malformed_multipart',
          `the multipart body is malformed: ${error.message}`,
        ),
      ),
    );
    request.on('aborted', () =>
      reject(new UploadError(400, 'upload_aborted', 'the client aborted the upload')),
    );
    parser.on('close', () => {
      void (async () => {
        if (!written) {
          reject(
            failed ??
              new UploadError(
                400,
                'missing_file',
                `the form has no file in the "${settings.fileField}" field`,
              ),
          );
          return;
        }
        try {
          const result = await written;
          if (failed) throw failed;
          resolve({ path: tempPath, fields, ...result });
        } catch (error) {
          reject(error instanceof UploadError ? error : (failed ?? error));
        }
      })();
    });
    request.pipe(parser);
  });
}

async function writeHashed(
  source: NodeJS.ReadableStream,
  target: string,
): Promise<{ sizeBytes: number; md5Hex: string }> {
  const hash = createHash('md5');
  let sizeBytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(source, measure, createWriteStream(target));
  return { sizeBytes, md5Hex: hash.digest('hex') };
}
